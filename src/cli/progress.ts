// The live progress line: on stderr, only on a TTY and without --quiet.

import type { ExploreProgress } from '../explicit/explore.ts';
import { count } from '../report/text.ts';

// log-update and its 20 modules cost ~0.1 s of start-up: load them only when
// a progress line can be drawn (stderr is a terminal).
const logUpdate = process.stderr.isTTY ? await import('log-update') : undefined;

export interface Progress {
  show(spec: string, variant: string, p?: ExploreProgress): void;
  clear(): void;
}

const none: Progress = { show() {}, clear() {} };

export function progressLine(enabled: boolean): Progress {
  if (!enabled || !logUpdate) return none;
  const log = logUpdate.createLogUpdate(process.stderr);
  return {
    show(spec, variant, p) {
      const what = `checking ${spec} / ${variant}`;
      if (!p) return log(`${what} ...`);
      log(
        `${what}: ${count(p.distinct)} states, depth ${p.depth}, queue ${count(p.queue)}, ` +
          `${count(p.statesPerSecond)} states/s, ${count(p.rssBytes / 2 ** 20)} MB`,
      );
    },
    clear() {
      log.clear();
    },
  };
}
