// A resource allocator (Merz), ported from tlaplus/Examples
// specifications/allocator/SimpleAllocator.tla with its SimpleAllocator.cfg:
// Clients = {c1, c2, c3}, Resources = {r1, r2}. Requests and allocations are
// sets of resources: set(Resource), and the actions range over every
// subset S as a parameter, as the original's \E S \in SUBSET Resources.
//
// Fairness, as in the original:
//   SimpleAllocator  == ... /\ \A c: WF_vars(Return(c, alloc[c]))
//                           /\ \A c: SF_vars(\E S: Allocate(c, S))
//   SimpleAllocator2 == ... /\ \A c: WF_vars(unsat[c] = {} /\ Return(c, alloc[c]))
//                           /\ \A c: SF_vars(\E S: Allocate(c, S))
// The module's theorems: under SimpleAllocator, ClientsWillReturn,
// ClientsWillObtain and InfOftenSatisfied hold; under SimpleAllocator2,
// ClientsWillReturn holds and the other two do not. TLC 2.20 agrees, and
// counts 400 distinct states, 1,633 generated, depth 6 (both specs share
// Init and Next); test/liveness.test.ts compares. The quantified properties
// are stated per client (and resource), one mmcheck property each.

import { array, domain, model, record, set, spec, DomainSet } from '../../src/index.ts';

const Client = domain('Client', ['c1', 'c2', 'c3']);
const Resource = domain('Resource', ['r1', 'r2']);

export function allocatorModel({ returnOnlyWhenSatisfied }: { returnOnlyWhenSatisfied: boolean }) {
  const m = model(
    record({
      unsat: array(set(Resource), Client),
      alloc: array(set(Resource), Client),
    }),
  );
  m.init({ unsat: Client.names.map(() => new DomainSet(Resource)), alloc: Client.names.map(() => new DomainSet(Resource)) });

  const available = (s: { readonly alloc: readonly { has(r: number): boolean }[] }, r: number): boolean =>
    s.alloc.every((a) => !a.has(r));

  m.action('request', {
    params: { c: Client, S: set(Resource) },
    guard: (s, { c, S }) => s.unsat[c]!.size === 0 && s.alloc[c]!.size === 0 && S.size > 0,
    apply: (_s, n, { c, S }) => {
      n.unsat[c] = S.copy();
    },
    actor: 'client',
  });
  m.action('allocate', {
    params: { c: Client, S: set(Resource) },
    guard: (s, { c, S }) => S.size > 0 && [...S].every((r) => available(s, r) && s.unsat[c]!.has(r)),
    apply: (_s, n, { c, S }) => {
      for (const r of S) {
        n.alloc[c]!.add(r);
        n.unsat[c]!.delete(r);
      }
    },
    actor: 'allocator',
  });
  m.action('return', {
    params: { c: Client, S: set(Resource) },
    guard: (s, { c, S }) => S.size > 0 && [...S].every((r) => s.alloc[c]!.has(r)),
    apply: (_s, n, { c, S }) => {
      for (const r of S) n.alloc[c]!.delete(r);
    },
    actor: 'client',
  });
  // \A c: WF_vars(Return(c, alloc[c])), or (SimpleAllocator2) only once the request is satisfied.
  m.fair('weak', 'ReturnAll', {
    actions: ['return'],
    per: ['c'],
    where: (s, { c, S }) => S.equals(s.alloc[c]!) && (!returnOnlyWhenSatisfied || s.unsat[c]!.size === 0),
  });
  // \A c: SF_vars(\E S \in SUBSET Resources: Allocate(c, S))
  m.fair('strong', 'Allocate', { actions: ['allocate'], per: ['c'] });

  m.always('ResourceMutex', (s) =>
    s.alloc.every((a, i) => s.alloc.every((b, j) => i === j || [...a].every((r) => !b.has(r)))),
  );
  Client.names.forEach((cn, c) => {
    m.leadsTo(`ClientsWillReturn_${cn}`, (s) => s.unsat[c]!.size === 0, (s) => s.alloc[c]!.size === 0);
    Resource.names.forEach((rn, r) =>
      m.leadsTo(`ClientsWillObtain_${cn}_${rn}`, (s) => s.unsat[c]!.has(r), (s) => s.alloc[c]!.has(r)),
    );
    m.infinitelyOften(`InfOftenSatisfied_${cn}`, (s) => s.unsat[c]!.size === 0);
  });
  return m;
}

const all = (verdict: 'holds' | 'violated', prefix: string): Record<string, 'holds' | 'violated'> =>
  Object.fromEntries(
    Client.names.flatMap((c) =>
      prefix === 'ClientsWillObtain' ? Resource.names.map((r) => [`${prefix}_${c}_${r}`, verdict]) : [[`${prefix}_${c}`, verdict]],
    ),
  );

export default spec({
  name: 'simple-allocator',
  doc: 'A resource allocator with strong fairness on Allocate, from tlaplus/Examples',
  variants: {
    SimpleAllocator: { returnOnlyWhenSatisfied: false },
    SimpleAllocator2: { returnOnlyWhenSatisfied: true },
  },
  variantDocs: {
    SimpleAllocator: 'clients must return what they hold',
    SimpleAllocator2: 'clients must return only once their whole request is satisfied',
  },
  bounds: () => '3 clients, 2 resources',
  model: allocatorModel,
  expect: {
    '*': {
      ResourceMutex: 'holds',
      ...all('holds', 'ClientsWillReturn'),
      ...all('holds', 'ClientsWillObtain'),
      ...all('holds', 'InfOftenSatisfied'),
    },
    SimpleAllocator2: { ...all('violated', 'ClientsWillObtain'), ...all('violated', 'InfOftenSatisfied') },
  },
});
