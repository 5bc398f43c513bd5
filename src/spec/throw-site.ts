// Where a spec's code threw: the first stack frame in the user's files (the
// spec, models/), not in mmcheck's src/, node_modules or Node itself, so an
// error found during the search points at the line to fix.

import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const FRAME = /\(?((?:file:\/\/)?\/[^\s()]+):(\d+):(\d+)\)?$/;
const OWN = fileURLToPath(new URL('..', import.meta.url));

/** 'specs/x.ts:12:9' (relative to cwd), or undefined when no frame is in user code. */
export function throwSite(e: unknown, cwd = process.cwd()): string | undefined {
  const stack = e instanceof Error && typeof e.stack === 'string' ? e.stack.split('\n').slice(1) : [];
  for (const line of stack) {
    const m = FRAME.exec(line.trim());
    if (!m) continue;
    const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    if (file.startsWith(OWN) || file.split(sep).includes('node_modules')) continue;
    return `${relative(cwd, file) || file}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

/** The site as a line to append to an error message, or ''. */
export function throwSiteLine(e: unknown): string {
  const at = throwSite(e);
  return at ? `\n  thrown at ${at}` : '';
}
