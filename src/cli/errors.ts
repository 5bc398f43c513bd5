// Exit codes and the errors that map to them.

import { UserError } from '../spec/errors.ts';

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
