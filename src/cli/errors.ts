// Exit codes and the errors that map to them.

import { UserError } from '../spec/errors.ts';
import { TracedSpecError } from '../explicit/errors.ts';
import { shownPath } from '../report/human.ts';
import { specErrorDiagram, specErrorFiles } from './spec-error-trace.ts';

export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  incomplete: 3,
  /** A bug in mmcheck (not in the spec or the command line). */
  internal: 4,
  /** The verdicts were printed, but trace files could not be written. */
  io: 5,
  interrupted: 130,
} as const;

/** Bad command-line input: an unknown spec, variant or option. Printed without a stack; exit 2. */
export class UsageError extends UserError {
  override name = 'UsageError';
}

/** A file could not be written (or a directory created): exit 5, after the verdicts. */
export class IoError extends Error {
  override name = 'IoError';
}

/**
 * The message and exit code of an error that ended a check: a user error
 * (spec, command line, trace file) is its message alone (exit 2), an I/O
 * error exit 5, anything else a bug in mmcheck (exit 4): one line, and the
 * stack only when asked for with --debug.
 */
export function describeFailure(e: unknown, debug: boolean): { code: number; text: string } {
  if (e instanceof TracedSpecError) return { code: EXIT.usage, text: `mmcheck: ${e.message}\n${tracedTo(e)}` };
  if (e instanceof UserError) return { code: EXIT.usage, text: `mmcheck: ${e.message}\n` };
  if (e instanceof IoError) return { code: EXIT.io, text: `mmcheck: I/O error: ${e.message}\n` };
  const err = e instanceof Error ? e : new Error(String(e));
  const text =
    `mmcheck: internal error: ${err.name}: ${err.message.split('\n')[0]} -- this is a bug in mmcheck, ` +
    `not in your spec; please report it${debug ? '' : ' (rerun with --debug for the stack trace)'}\n` +
    (debug ? `${err.stack ?? ''}\n` : '');
  return { code: EXIT.internal, text };
}

/**
 * The shortest trace to the state where a spec error happened, as TLC
 * prints it (a range error then serves as the TypeOK check TLA+ users
 * write), and where it was written.
 */
function tracedTo(e: TracedSpecError): string {
  let diagram: string;
  try {
    diagram = `\n${specErrorDiagram(e).trimEnd()}\n`;
  } catch {
    diagram = ''; // the message alone is still the answer
  }
  const w = specErrorFiles(e);
  const where = !w
    ? ''
    : 'files' in w
      ? `\nThe trace is written to (--replay the .json to see the error happen again):\n${w.files.map((f) => `  ${shownPath(f)}\n`).join('')}`
      : `\nThe trace could not be written: ${w.error}\n`;
  return diagram + where;
}
