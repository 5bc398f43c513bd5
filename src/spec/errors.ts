// Errors in a spec (as opposed to bugs in mmcheck). The CLI prints their
// message alone and exits 2; they must say what is wrong and where.

export class SpecError extends Error {
  override name = 'SpecError';
}
