// One Z3 context per process, created on first use (init takes ~0.3 s).
// Z3's wasm build runs solver calls on worker threads that keep Node alive:
// whoever ends the process (CLI, test teardown) calls disposeZ3().

import { init, killThreads } from 'z3-solver';
import type { Arith, Bool, Context, Expr } from 'z3-solver';

export type Z3 = Context<'main'>;
export type ZBool = Bool<'main'>;
export type ZInt = Arith<'main'>;
export type ZExpr = Expr<'main'>;

type Api = Awaited<ReturnType<typeof init>>;
let api: Promise<Api> | undefined;
let ctx: Z3 | undefined;

export async function z3(): Promise<Z3> {
  api ??= init();
  const a = await api;
  ctx ??= a.Context('main');
  return ctx;
}

/** Ends Z3's worker threads so the process can exit. Safe to call twice. */
export async function disposeZ3(): Promise<void> {
  if (!api) return;
  const a = await api;
  api = undefined;
  ctx = undefined;
  await killThreads(a.em).catch(() => undefined);
}
