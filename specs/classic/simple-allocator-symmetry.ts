// SimpleAllocator for symmetry reduction: the model of simple-allocator.ts
// (tlaplus/Examples, specifications/allocator/SimpleAllocator.tla, Merz),
// safety only, with its domains declared symmetric. Clients request sets of resources, the
// allocator grants available requested resources, clients return what they
// hold. Clients = {c1, c2, c3}, Resources = {r1, r2}, as its .cfg; safety
// only (TypeInvariant is the schema's ranges, ResourceMutex below).
//
// Sets of resources are one boolean per resource. TLC enumerates
// \E c \in Clients, S \in SUBSET Resources, so there is one transition per
// client, subset (the empty one included: its guards are false) and action,
// and the generated counts are TLC's.
//
// Known answers, from TLC 2 (tla2tools.jar, one worker) on the same model:
// - no symmetry: 400 distinct states, 1,633 generated, depth 6 (also the
//   figures of the repository's manifest.json);
// - with symmetry reduction, SYMMETRY Permutations(Clients): 86 distinct,
//   370 generated; with the product of Permutations(Clients) and
//   Permutations(Resources) ({p @@ q : p, q}): 50 distinct, 226 generated.
//   The variants declare those domains symmetric (test/symmetry.test.ts).

import { array, bool, domain, model, record, spec } from '../../src/index.ts';

export interface SymmetricAllocatorConfig {
  readonly symmetricResources: boolean;
}

export function symmetricAllocatorModel({ symmetricResources }: SymmetricAllocatorConfig) {
  const Client = domain('Client', ['c1', 'c2', 'c3'], { symmetric: true });
  const Resource = domain('Resource', ['r1', 'r2'], { symmetric: symmetricResources });
  const R = Resource.size;
  // The subsets of Resources as bit masks 0 .. 2^R - 1; S = {} is mask 0.
  const Subset = domain('Subset', Array.from({ length: 2 ** R }, (_, s) => `{${[0, 1].filter((r) => s & (1 << r)).map((r) => Resource.names[r]).join(',')}}`));
  const inS = (S: number, r: number) => (S & (1 << r)) !== 0;
  const m = model(
    record({
      unsat: array(array(bool(), Resource), Client),
      alloc: array(array(bool(), Resource), Client),
    }),
  );
  const none = () => Array.from({ length: Client.size }, () => Array.from({ length: R }, () => false));
  m.init({ unsat: none(), alloc: none() });
  const empty = (set: readonly boolean[]) => set.every((x) => !x);
  m.action('Request', {
    params: { c: Client, S: Subset },
    guard: (s, { c, S }) => empty(s.unsat[c]!) && empty(s.alloc[c]!) && S !== 0,
    apply: (_s, n, { c, S }) => {
      for (let r = 0; r < R; r++) n.unsat[c]![r] = inS(S, r);
    },
  });
  m.action('Allocate', {
    params: { c: Client, S: Subset },
    guard: (s, { c, S }) => {
      if (S === 0) return false;
      for (let r = 0; r < R; r++) {
        if (!inS(S, r)) continue;
        const available = s.alloc.every((held) => !held[r]);
        if (!available || !s.unsat[c]![r]) return false;
      }
      return true;
    },
    apply: (_s, n, { c, S }) => {
      for (let r = 0; r < R; r++)
        if (inS(S, r)) {
          n.alloc[c]![r] = true;
          n.unsat[c]![r] = false;
        }
    },
  });
  m.action('Return', {
    params: { c: Client, S: Subset },
    guard: (s, { c, S }) => {
      if (S === 0) return false;
      for (let r = 0; r < R; r++) if (inS(S, r) && !s.alloc[c]![r]) return false;
      return true;
    },
    apply: (_s, n, { c, S }) => {
      for (let r = 0; r < R; r++) if (inS(S, r)) n.alloc[c]![r] = false;
    },
  });
  m.always('ResourceMutex', (s) => {
    for (let r = 0; r < R; r++) if (s.alloc.filter((held) => held[r]).length > 1) return false;
    return true;
  });
  m.sometimes('AllAllocated', (s) => {
    for (let r = 0; r < R; r++) if (!s.alloc.some((held) => held[r])) return false;
    return true;
  });
  return m;
}

export default spec({
  name: 'simple-allocator-symmetry',
  doc: 'SimpleAllocator.tla (tlaplus/Examples): 3 clients, 2 resources, safety',
  variants: {
    'clients-symmetric': { symmetricResources: false },
    'all-symmetric': { symmetricResources: true },
  },
  variantDocs: {
    'clients-symmetric': 'Clients declared symmetric (TLC: SYMMETRY Permutations(Clients))',
    'all-symmetric': 'Clients and Resources declared symmetric',
  },
  bounds: () => 'Clients = {c1, c2, c3}, Resources = {r1, r2}',
  model: symmetricAllocatorModel,
  expect: { '*': { ResourceMutex: 'holds' } },
});
