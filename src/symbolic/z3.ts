// One Z3 context per process, created on first use (init takes ~0.3 s).
// Z3's wasm build runs solver calls on worker threads that keep Node alive:
// whoever ends the process (CLI, test teardown) calls disposeZ3().
//
// z3-solver frees native terms from a FinalizationRegistry callback. Such a
// callback can run on the main thread while a check() runs on a worker, and
// the concurrent dec_ref corrupts Z3's heap ("memory access out of bounds").
// So the registry z3-solver creates during init is a gated one: callbacks
// that arrive while a check is in flight are queued and run after it.

import { init, killThreads } from 'z3-solver';
import type { Arith, Bool, Context, Expr, Model, Solver } from 'z3-solver';

export type Z3 = Context<'main'>;
export type ZBool = Bool<'main'>;
export type ZInt = Arith<'main'>;
export type ZExpr = Expr<'main'>;

type Api = Awaited<ReturnType<typeof init>>;
let api: Promise<Api> | undefined;
let ctx: Z3 | undefined;

let inFlight = 0;
const deferred: (() => void)[] = [];

class GatedRegistry<T> extends FinalizationRegistry<T> {
  constructor(callback: (held: T) => void) {
    super((held: T) => {
      if (inFlight > 0) deferred.push(() => callback(held));
      else callback(held);
    });
  }
}

async function initGated(): Promise<Api> {
  const original = globalThis.FinalizationRegistry;
  globalThis.FinalizationRegistry = GatedRegistry as typeof FinalizationRegistry;
  try {
    return await init();
  } finally {
    globalThis.FinalizationRegistry = original;
  }
}

export async function z3(): Promise<Z3> {
  api ??= initGated();
  const a = await api;
  ctx ??= a.Context('main');
  return ctx;
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs an asynchronous Z3 call after the previous one (Z3 allows one at a time), frees held back. */
function gated<T>(f: () => Promise<T>): Promise<T> {
  const run = async () => {
    inFlight++;
    try {
      return await f();
    } finally {
      inFlight--;
      if (inFlight === 0) for (const g of deferred.splice(0)) g();
    }
  };
  const p = queue.then(run, run);
  queue = p.catch(() => undefined);
  return p;
}

export async function simplify<T extends ZExpr>(z: Z3, e: T): Promise<T> {
  return (await gated(() => z.simplify(e))) as T;
}

/** solver.check with native frees held back until it returns; the model if sat. */
export async function check(solver: Solver<'main'>, ...assumptions: ZBool[]): Promise<Model<'main'> | undefined> {
  const r = await checkMaybe(solver, ...assumptions);
  if (r === 'unknown') throw new Error(`Z3 returned unknown: ${solver.reasonUnknown()}`);
  return r;
}

/** As check, but 'unknown' (e.g. a timeout set on the solver) is returned, not thrown. */
export async function checkMaybe(solver: Solver<'main'>, ...assumptions: ZBool[]): Promise<Model<'main'> | undefined | 'unknown'> {
  const r = await gated(() => solver.check(...assumptions));
  if (r === 'unknown') return 'unknown';
  return r === 'sat' ? solver.model() : undefined;
}

/** Ends Z3's worker threads so the process can exit. Safe to call twice. */
export async function disposeZ3(): Promise<void> {
  if (!api) return;
  const a = await api;
  api = undefined;
  ctx = undefined;
  await killThreads(a.em).catch(() => undefined);
}
