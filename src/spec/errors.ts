// Errors in the user's input (a spec, a command line, a trace file) as
// opposed to bugs in mmcheck. The CLI recognises them by this one base
// class: it prints their message alone and exits 2; anything else is an
// internal error (exit 4). They must say what is wrong and where.

export class UserError extends Error {
  override name = 'UserError';
}

export class SpecError extends UserError {
  override name = 'SpecError';
}
