// The live progress line: on stderr, only on a TTY and without --quiet.

import { createLogUpdate } from 'log-update';
import type { ExploreProgress } from '../explicit/explore.ts';
import { count } from '../report/text.ts';

export interface Progress {
  show(spec: string, variant: string, p?: ExploreProgress): void;
  clear(): void;
}

const none: Progress = { show() {}, clear() {} };

export function progressLine(enabled: boolean): Progress {
  if (!enabled) return none;
  const log = createLogUpdate(process.stderr);
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
