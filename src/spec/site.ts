// Where in the spec source a definition was made, so that the symbolic front
// end can find the very code the explicit engine runs, and errors can point
// at it. Read from the V8 stack (tsx and vitest map it back to .ts source).

import { fileURLToPath } from 'node:url';

export interface SourceSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

const FRAME = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?$/;

/** The caller of the builder method that calls this (depth frames up). */
export function callSite(depth = 1): SourceSite | undefined {
  const stack = new Error().stack?.split('\n') ?? [];
  // stack[0] is "Error", [1] is callSite, [2] the builder method, [3] its caller.
  const frame = stack[2 + depth];
  const m = frame && FRAME.exec(frame.trim());
  if (!m) return undefined;
  const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
  return { file, line: Number(m[2]), column: Number(m[3]) };
}
