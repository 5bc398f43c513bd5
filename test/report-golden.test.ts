// Golden counterexamples: for every expected violation of every spec under
// specs/, the committed counterexamples/<spec>/<variant>/<property>.txt and
// .json must equal what mmcheck generates now (byte for byte), and no golden
// file may be left over from a trace that is no longer produced. Regenerate
// with `npm run check <spec> -- --update-goldens` (a plain check writes to
// .tmp/counterexamples/ and never touches these) and review the diff.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverSpecs } from '../src/cli/discover.ts';
import { tracePaths } from '../src/cli/trace-files.ts';
import { explore } from '../src/explicit/explore.ts';
import { ENGINES } from '../src/engines/registry.ts';
import { TRACE_WRITERS } from '../src/report/trace-writers.ts';

const ROOT = resolve(import.meta.dirname, '..');
const GOLDEN = join(ROOT, 'counterexamples');
const specs = await discoverSpecs(join(ROOT, 'specs'), ROOT);

/**
 * The all-paths specs: each is its family's scenarios in one state space
 * (de-all-paths 457,000 states, fork-pin-cow-all and thp-cow-all about
 * 190,000 each), and their runs were two thirds of this file's CPU time.
 * npm test compares the goldens of every other spec; CI's MMCHECK_PROOFS=1
 * step (.ci/run) runs this file again with these too. Their verdicts are
 * CI's all the same (the verdict gate, `npm run check`), and those of
 * fork-pin-cow-all with their minimal lengths npm test's (kernel-fork-pin).
 */
const ALL_PATHS = new Set(['de-all-paths', 'fork-pin-cow-all', 'thp-cow-all']);
const EVERY_SPEC = process.env.MMCHECK_PROOFS === '1';

const WRITERS = TRACE_WRITERS.filter((w) => w.golden);
const OTHER_ENGINES = ENGINES.filter((e) => !e.golden).map((e) => e.name);
/** Every file in dir a golden trace could be: a golden format, not another engine's trace. */
const goldenFiles = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => WRITERS.some((w) => f.endsWith(`.${w.ext}`)) && !OTHER_ENGINES.some((e) => f.includes(`.${e}.`)))
        .sort()
    : [];

describe('golden counterexamples', () => {
  it('the all-paths specs named here exist (a rename must not drop their goldens silently)', () => {
    for (const name of ALL_PATHS) expect(specs.map((s) => s.spec.name)).toContain(name);
  });
  for (const { spec, file } of specs) {
    for (const variant of spec.variants) {
      const dir = join(GOLDEN, spec.name, variant);
      // Only variants with an expected violation (or golden files) need a run.
      const built = (() => {
        try {
          return spec.build(variant);
        } catch {
          return undefined; // a broken spec is reported by its own tests and by npm run check
        }
      })();
      const expectsViolation = built && [...built.expected.values()].includes('violated');
      if (!expectsViolation && goldenFiles(dir).length === 0) continue;
      const run = EVERY_SPEC || !ALL_PATHS.has(spec.name);
      it.runIf(run)(`${spec.name} / ${variant}${run ? '' : ' [an all-paths spec: set MMCHECK_PROOFS=1]'}`, async () => {
        expect(built, `spec ${spec.name} variant ${variant} does not build`).toBeDefined();
        const run = await explore(built!);
        const source = relative(ROOT, file).split('\\').join('/');
        const produced = new Set<string>();
        for (const r of run.properties) {
          // Witnesses are not golden: only counterexamples are committed.
          if (!r.trace || r.trace.kind === 'witness') continue;
          const paths = tracePaths(GOLDEN, spec.name, variant, r.property, 'explicit', WRITERS);
          const why = `regenerate with: npm run check ${spec.name} -- --variant ${variant} --update-goldens`;
          WRITERS.forEach((w, i) => {
            const file = paths[i]!;
            produced.add(relative(dir, file));
            expect(existsSync(file), `missing golden ${relative(ROOT, file)}; ${why}`).toBe(true);
            expect(w.render(r.trace!, built!, run, source), `${relative(ROOT, file)} differs; ${why}`).toBe(readFileSync(file, 'utf8'));
          });
        }
        const stale = goldenFiles(dir).filter((f) => !produced.has(f));
        expect(stale, `golden files no trace produces any more, under ${relative(ROOT, dir)}`).toEqual([]);
      });
    }
  }
});
