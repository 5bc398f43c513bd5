// The live progress line: on stderr, only on a TTY and without --quiet.
// One line that never wraps (a wrapped line cannot be redrawn in place).

import type { ExploreProgress } from '../explicit/explore.ts';
import { count, LINE_WIDTH } from '../report/text.ts';

// log-update and its 20 modules cost ~0.1 s of start-up: load them only when
// a progress line can be drawn (stderr is a terminal). Not a top-level
// await: the CLI bundle is CommonJS (bin/code-cache.mjs says why).
let logUpdate: typeof import('log-update') | undefined;
/** Call before progressLine(true): loads log-update when stderr is a terminal. */
export async function loadProgressLine(): Promise<void> {
  if (process.stderr.isTTY) logUpdate ??= await import('log-update');
}

export interface Progress {
  show(spec: string, variant: string, p?: ExploreProgress): void;
  clear(): void;
}

const none: Progress = { show() {}, clear() {} };

/** The progress text within `width` columns: the full wording, a compact one, or the compact one cut. */
export function progressText(spec: string, variant: string, p: ExploreProgress | undefined, width = LINE_WIDTH): string {
  const what = `checking ${spec} / ${variant}`;
  if (!p) return fit(`${what} ...`, `${spec}/${variant} ...`, width);
  const mb = count(p.rssBytes / 2 ** 20);
  return fit(
    `${what}: ${count(p.distinct)} states, depth ${p.depth}, queue ${count(p.queue)}, ${count(p.statesPerSecond)} states/s, ${mb} MB`,
    `${spec}/${variant}: ${count(p.distinct)} st, d ${p.depth}, q ${count(p.queue)}, ${count(p.statesPerSecond)}/s, ${mb} MB`,
    width,
  );
}

function fit(full: string, compact: string, width: number): string {
  if (full.length <= width) return full;
  return compact.length <= width ? compact : compact.slice(0, width - 3) + '...';
}

export function progressLine(enabled: boolean): Progress {
  if (!enabled || !logUpdate) return none;
  const log = logUpdate.createLogUpdate(process.stderr);
  const width = (): number => Math.min(LINE_WIDTH, (process.stderr.columns || 80) - 2);
  return {
    show(spec, variant, p) {
      log(progressText(spec, variant, p, width()));
    },
    clear() {
      log.clear();
    },
  };
}
