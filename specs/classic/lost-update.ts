// The README's complete example: two threads add 1 to a shared counter by a
// read step and a write step. Without the lock an update can be lost.

import { bool, domain, int, model, record, array, thread, spec } from '../../src/index.ts';

const Worker = domain('Worker', ['A', 'B'], { symmetric: true });

export default spec({
  name: 'lost-update',
  doc: 'Read-modify-write of a shared counter by two threads, with and without a lock',
  variants: { locked: { lock: true }, racy: { lock: false } },
  variantDocs: { locked: 'the lock is held across read and write', racy: 'no lock' },
  bounds: () => '2 workers, one increment each',
  model: ({ lock }) => {
    const m = model(
      record({
        counter: int(0, 2),
        locked: bool(),
        worker: array(thread(['acquire', 'read', 'write', 'release'], { seen: int(0, 2) }), Worker),
      }),
    );
    m.init({ counter: 0, locked: false, worker: [0, 1].map(() => ({ pc: 'acquire' as const, seen: 0 })) });
    m.thread('worker', {
      instances: Worker,
      at: (s, self) => s.worker[self]!,
      steps: {
        acquire: {
          guard: (s) => !lock || !s.locked,
          apply: (_s, n) => {
            if (lock) n.locked = true;
          },
          kernel: 'spin_lock()',
        },
        read: {
          apply: (s, n, { self }) => {
            n.worker[self]!.seen = s.counter;
          },
        },
        write: {
          apply: (s, n, { self }) => {
            n.counter = s.worker[self]!.seen + 1;
          },
        },
        release: {
          apply: (_s, n) => {
            n.locked = false;
          },
          kernel: 'spin_unlock()',
        },
      },
    });
    const finished = (s: { worker: readonly { pc: string }[] }) => s.worker.every((w) => w.pc === 'done');
    m.always('NoLostUpdate', (s) => !finished(s) || s.counter === 2, { doc: 'both increments count' });
    m.sometimes('BothDone', (s) => finished(s));
    return m;
  },
  expect: {
    locked: { NoLostUpdate: 'holds', BothDone: 'holds' },
    racy: { NoLostUpdate: 'violated', BothDone: 'holds' },
  },
});
