// Builds the fork x GUP/pin x COW model of one scenario under one kernel
// design: the initial state (the parent has one private anon page, written
// before fork, mapped writable and exclusive), the paths the scenario runs,
// and the chosen properties. Specs add their own `sometimes` witnesses.

import { model, domain } from '../../src/index.ts';
import type { MmConfig } from './kernels.ts';
import type { HolderSpec, Scenario } from './scenario.ts';
import { addChildExit, addDma, addFork, addHolder, addUnmap, addWrite, holderStart, type MmModel } from './paths.ts';
import { addProperties, type PropId } from './properties.ts';
import { CHILD, PARENT, mmSchema, pageNames, type MmState } from './state.ts';

/** A scenario over `pages` physical pages with the given GUP holders. */
export function scenario(
  pages: number,
  holders: readonly HolderSpec[],
  rest: Omit<Scenario, 'pages' | 'holders' | 'holderDomain'>,
): Scenario {
  const names = holders.length > 0 ? holders.map((h) => h.name) : ['none'];
  return {
    pages: domain('Page', pageNames(pages)),
    holders,
    holderDomain: domain('Holder', names),
    ...rest,
  };
}

function initialState(sc: Scenario): MmState {
  const nPages = sc.pages.size;
  const page = [];
  for (let i = 0; i < nPages; i++) {
    page.push(
      i === 0
        ? { free: false, ref: 1, map: 1, pins: 0, excl: true, data: 'old' as const }
        : { free: true, ref: 0, map: 0, pins: 0, excl: false, data: 'zero' as const },
    );
  }
  const mm = (live: boolean) => ({ live, hasPinned: false, wpSeq: 0, mmapW: false, mmapR: 0 });
  const user = (write: boolean, unmap: boolean, exit: boolean) => ({
    write: { pc: write ? ('access' as const) : ('done' as const) },
    unmap: { pc: unmap ? ('zap' as const) : ('done' as const) },
    exit: { pc: exit ? ('exit' as const) : ('done' as const) },
  });
  const gup = [];
  for (let h = 0; h < sc.holderDomain.size; h++) {
    const H = sc.holders[h];
    gup.push({
      pc: H ? holderStart(H) : ('done' as const),
      page: null,
      w: false,
      seq: 0,
      grabbed: false,
      held: false,
      viaFast: false,
      preFork: false,
      mapValid: false,
    });
  }
  return {
    page,
    pte: [
      { page: 0, w: true },
      { page: null, w: false },
    ],
    mm: [mm(true), mm(false)],
    forked: false,
    oom: false,
    fork: { pc: 'lock', copied: false },
    user: [
      user(sc.parentWrite !== undefined, !!sc.parentUnmap, false),
      user(sc.childWrite !== undefined, !!sc.childUnmap, !!sc.childExit),
    ],
    gup,
  };
}

export function forkPinModel(k: MmConfig, sc: Scenario, props: readonly PropId[]): MmModel {
  const m = model(mmSchema(sc.pages, sc.holderDomain));
  m.init(initialState(sc));
  addFork(m, k);
  for (let h = 0; h < sc.holders.length; h++) addHolder(m, k, sc, h);
  if (sc.dma) {
    for (let h = 0; h < sc.holders.length; h++) if (sc.holders[h]!.write) addDma(m, sc, h);
  }
  if (sc.parentWrite !== undefined) addWrite(m, k, PARENT, sc.parentWrite);
  if (sc.childWrite !== undefined) addWrite(m, k, CHILD, sc.childWrite);
  if (sc.parentUnmap) addUnmap(m, sc, PARENT, 'afterFork');
  if (sc.childUnmap) addUnmap(m, sc, CHILD, 'afterFork');
  if (sc.childExit) addChildExit(m, sc);
  addProperties(m, sc, props);
  return m;
}
