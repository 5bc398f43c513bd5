// Builds the fork x GUP/pin x COW model of one scenario under one kernel
// design: the initial state (the parent has one private anon page, written
// before fork, mapped writable and exclusive), the paths the scenario runs,
// and the chosen properties. Specs add their own `sometimes` witnesses.

import { model, domain } from '../../src/index.ts';
import type { MmConfig } from './kernels.ts';
import type { HolderSpec, Scenario } from './scenario.ts';
import { addChildExit, addDma, addFork, addHolder, addMprotect, addUnmap, addWrite, holderStart, type MmModel } from './paths.ts';
import { addDeviceWrite, addDriver } from './driver.ts';
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

export function initialState(sc: Scenario): MmState {
  const nPages = sc.pages.size;
  const page = [];
  for (let i = 0; i < nPages; i++) {
    page.push(
      i === 0
        ? { free: false, ref: 1, map: 1, pins: 0, excl: true, data: 'old' as const, lock: false }
        : { free: true, ref: 0, map: 0, pins: 0, excl: false, data: 'zero' as const, lock: false },
    );
  }
  const mm = (live: boolean) => ({ live, hasPinned: false, wpSeq: 0, mmapW: false, mmapR: 0, vmaW: true });
  const user = (write: boolean, unmap: boolean, exit: boolean, mprotect: boolean) => ({
    write: { pc: write ? ('access' as const) : ('done' as const), old: null, new: null },
    unmap: { pc: unmap ? ('zap' as const) : ('done' as const) },
    exit: { pc: exit ? ('exit' as const) : ('done' as const) },
    mprotect: { pc: mprotect ? ('mpLock' as const) : ('done' as const) },
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
      old: null,
      new: null,
    });
  }
  return {
    page,
    pte: [
      { page: 0, w: true, dx: false },
      { page: null, w: false, dx: false },
    ],
    mm: [mm(true), mm(false)],
    mn: { seq: 0, active: 0, iseq: 0 },
    dev: { lock: false, page: null, perm: 'none' as const },
    drv: {
      pc: sc.driver ? ('begin' as const) : ('done' as const),
      seq: 0,
      page: null,
      locked: false,
      tries: 0,
      ok: false,
      leaked: null,
      old: null,
      new: null,
    },
    forked: false,
    oom: false,
    fork: { pc: sc.noFork ? ('done' as const) : ('lock' as const), copied: false, failed: false },
    user: [
      user(sc.parentWrite !== undefined, !!sc.parentUnmap, false, sc.parentMprotect !== undefined),
      user(sc.childWrite !== undefined, !!sc.childUnmap, !!sc.childExit, false),
    ],
    gup,
  };
}

export function forkPinModel(k: MmConfig, sc: Scenario, props: readonly PropId[]): MmModel {
  const m = model(mmSchema(sc.pages, sc.holderDomain));
  m.init(initialState(sc));
  addPaths(m, k, sc);
  addProperties(m, sc, props);
  return m;
}

/** The paths the scenario runs, under design k. */
export function addPaths(m: MmModel, k: MmConfig, sc: Scenario): void {
  if (!sc.noFork) addFork(m, k, sc);
  for (let h = 0; h < sc.holders.length; h++) addHolder(m, k, sc, h);
  if (sc.dma) {
    for (let h = 0; h < sc.holders.length; h++) if (sc.holders[h]!.write) addDma(m, sc, h);
  }
  if (sc.parentWrite !== undefined) addWrite(m, k, sc, PARENT, sc.parentWrite);
  if (sc.childWrite !== undefined) addWrite(m, k, sc, CHILD, sc.childWrite);
  if (sc.parentUnmap) addUnmap(m, k, sc, PARENT, sc.noFork ? 'any' : 'afterFork');
  if (sc.childUnmap) addUnmap(m, k, sc, CHILD, 'afterFork');
  if (sc.childExit) addChildExit(m, k, sc);
  if (sc.parentMprotect !== undefined) addMprotect(m, k, sc, sc.parentMprotect);
  if (sc.driver) addDriver(m, k, sc);
  if (sc.devWrite) addDeviceWrite(m);
}
