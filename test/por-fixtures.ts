// Specs built so that a partial-order reduction with a weakened condition
// misses a violation (test/por.test.ts): each names the condition it needs.
// The symbolic front end reads a spec from the file that exports it, so
// they live here rather than inline in the test.

import { int, model, record, spec, thread } from '../src/index.ts';

/**
 * C1 (independence must count reads). A sets x; B sets y only if it reads
 * x still 0. Only B-before-A reaches y = 1. A is invisible and writes
 * nothing B writes: a relation that ignored B's read of x would take A's
 * step alone first, and y = 1 would never be reached.
 */
export const readsMatter = spec({
  name: 'por-reads-matter',
  doc: 'B acts on a value A overwrites: the order matters',
  variants: { only: {} },
  bounds: () => 'two one-step threads',
  model: () => {
    const m = model(record({ x: int(0, 1), y: int(0, 1), a: thread(['set']), b: thread(['look']) }));
    m.init({ x: 0, y: 0, a: { pc: 'set' }, b: { pc: 'look' } });
    m.thread('A', {
      at: (s) => s.a,
      steps: {
        set: {
          apply: (_s, n) => {
            n.x = 1;
          },
        },
      },
    });
    m.thread('B', {
      at: (s) => s.b,
      steps: {
        look: {
          apply: (s, n) => {
            if (s.x === 0) n.y = 1;
          },
        },
      },
    });
    m.always('YStaysZero', (s) => s.y === 0);
    return m;
  },
  expect: { only: { YStaysZero: 'violated' } },
});

/**
 * C2 (ample steps must be invisible). A raises x and lowers it again; B
 * sets z. They touch disjoint fields, but the property reads both: a
 * reduction that let A's steps be ample would run A to completion before
 * B, and x = 1 with z = 1 would never be seen.
 */
export const visibleMatters = spec({
  name: 'por-visible-matters',
  doc: 'independent steps, both seen by the property',
  variants: { only: {} },
  bounds: () => 'two threads, three steps',
  model: () => {
    const m = model(record({ x: int(0, 1), z: int(0, 1), a: thread(['up', 'down']), b: thread(['set']) }));
    m.init({ x: 0, z: 0, a: { pc: 'up' }, b: { pc: 'set' } });
    m.thread('A', {
      at: (s) => s.a,
      steps: {
        up: {
          apply: (_s, n) => {
            n.x = 1;
          },
        },
        down: {
          apply: (_s, n) => {
            n.x = 0;
          },
        },
      },
    });
    m.thread('B', {
      at: (s) => s.b,
      steps: {
        set: {
          apply: (_s, n) => {
            n.z = 1;
          },
        },
      },
    });
    m.always('NotBoth', (s) => !(s.x === 1 && s.z === 1));
    return m;
  },
  expect: { only: { NotBoth: 'violated' } },
});

/**
 * C3 (the cycle proviso). A toggles t for ever, touching nothing else;
 * B's one step sets w, which the property forbids. A is independent of B
 * and invisible, so it is ample in every state: without the proviso the
 * search would cycle through A's two states and never take B's step.
 */
export const cycleMatters = spec({
  name: 'por-cycle-matters',
  doc: 'an invisible cycle that would starve the other thread',
  variants: { only: {} },
  bounds: () => 'a two-state loop and one step',
  model: () => {
    const m = model(record({ t: int(0, 1), w: int(0, 1), a: thread(['flip', 'flop']), b: thread(['set']) }));
    m.init({ t: 0, w: 0, a: { pc: 'flip' }, b: { pc: 'set' } });
    m.thread('A', {
      at: (s) => s.a,
      steps: {
        flip: {
          apply: (_s, n) => {
            n.t = 1;
          },
        },
        flop: {
          apply: (_s, n) => {
            n.t = 0;
            return 'flip';
          },
        },
      },
    });
    m.thread('B', {
      at: (s) => s.b,
      steps: {
        set: {
          apply: (_s, n) => {
            n.w = 1;
          },
        },
      },
    });
    m.always('WStaysZero', (s) => s.w === 0);
    return m;
  },
  expect: { only: { WStaysZero: 'violated' } },
  deadlock: false,
});
