// Exit codes and the errors that map to them.

export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  incomplete: 3,
  interrupted: 130,
} as const;

/** Bad command-line input: an unknown spec, variant or option. Printed without a stack; exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
