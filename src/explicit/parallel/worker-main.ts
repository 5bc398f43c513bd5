// A worker of the parallel engine: rebuilds the model from the spec file and
// variant (guards and applies are closures, which cannot be sent to a
// thread), maps the shared store, and expands the frontier chunks it claims,
// one level per 'run' message from the coordinator.

import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { Spec } from '../../spec/spec.ts';
import { SpecError } from '../../spec/errors.ts';
import { SharedStore, type StoreBuffers } from './shared-store.ts';
import { Expander, type LevelReport, type LevelTask } from './expander.ts';
import { threadCpuMs } from './thread-cpu.ts';

export interface WorkerInit {
  readonly file: string;
  readonly specName: string;
  readonly variant: string;
  readonly buffers: StoreBuffers;
  readonly stateWords: number;
  readonly found: SharedArrayBuffer;
  readonly checkDeadlock: boolean;
  readonly symmetry: boolean;
  /** Transition labels joined: the worker's model must build the same transitions. */
  readonly labels: string;
}

export type ToWorker =
  | { type: 'run'; task: LevelTask; buffers?: StoreBuffers }
  /** The table grew (buffers has the new one): move old's entries, with the other threads. */
  | { type: 'rehash'; old: SharedArrayBuffer; buffers?: StoreBuffers };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; report: LevelReport }
  | { type: 'error'; message: string; specError: boolean };

const port = parentPort!;
const init = workerData as WorkerInit;

function fail(e: unknown): void {
  const specError = e instanceof SpecError;
  const message = specError ? (e as Error).message : String((e as Error)?.stack ?? e);
  port.postMessage({ type: 'error', message, specError } satisfies FromWorker);
}

try {
  const mod = (await import(pathToFileURL(init.file).href)) as Record<string, unknown>;
  const spec = [mod.default, ...Object.values(mod)].find(
    (x): x is Spec<any> => typeof x === 'object' && x !== null && (x as Spec).name === init.specName && typeof (x as Spec).build === 'function',
  );
  if (!spec) throw new Error(`${init.file} exports no spec named ${init.specName}`);
  const built = spec.build(init.variant);
  if (built.transitions.map((t) => t.label).join('\n') !== init.labels)
    throw new SpecError(`spec ${init.specName}, variant ${init.variant}: the model builds different transitions in a worker thread (is model() deterministic?)`);
  const store = new SharedStore(init.stateWords, init.buffers);
  const expander = new Expander(built, store, new Int32Array(init.found), init.checkDeadlock, init.symmetry);
  if (expander.codec.words !== init.stateWords) throw new Error('the worker packs states differently from the coordinator');
  port.on('message', (m: ToWorker) => {
    try {
      if (m.buffers) store.attach(m.buffers);
      const report: LevelReport = { generated: 0, hits: [], needRoom: false, busyMs: 0 };
      if (m.type === 'rehash') store.rehash(new Uint32Array(m.old));
      else {
        expander.run(m.task, report);
        if (m.task.measureCpu) report.cpuMs = threadCpuMs();
      }
      port.postMessage({ type: 'done', report } satisfies FromWorker);
    } catch (e) {
      fail(e);
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
} catch (e) {
  fail(e);
}
