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
      it(`${spec.name} / ${variant}`, async () => {
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
