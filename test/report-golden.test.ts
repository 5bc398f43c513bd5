// Golden counterexamples: for every expected violation of every spec under
// specs/, the committed counterexamples/<spec>/<variant>/<property>.txt and
// .json must equal what mmcheck generates now (byte for byte), and no golden
// file may be left over from a trace that is no longer produced. Regenerate
// with `npm run check <spec>` (add -- --witness for witness goldens) and
// review the diff.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverSpecs } from '../src/cli/discover.ts';
import { tracePaths } from '../src/cli/trace-files.ts';
import { explore } from '../src/explicit/explore.ts';
import { renderRaceDiagram } from '../src/report/race-diagram.ts';
import { itfText, toItf } from '../src/report/itf.ts';

const ROOT = resolve(import.meta.dirname, '..');
const GOLDEN = join(ROOT, 'counterexamples');
const specs = await discoverSpecs(join(ROOT, 'specs'), ROOT);

const goldenFiles = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /\.(txt|json)$/.test(f) && !/\.(bmc|induction)\.(txt|json)$/.test(f)) // symbolic traces are not golden
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
          if (!r.trace) continue;
          const [txt, json] = tracePaths(GOLDEN, spec.name, variant, r.property);
          const isWitness = r.trace.kind === 'witness';
          // Witness goldens are optional (written with --witness); counterexamples are required.
          if (isWitness && !existsSync(txt)) continue;
          produced.add(relative(dir, txt)).add(relative(dir, json));
          const why = `regenerate with: npm run check ${spec.name} -- --variant ${variant}${isWitness ? ' --witness' : ''}`;
          expect(existsSync(txt), `missing golden ${relative(ROOT, txt)}; ${why}`).toBe(true);
          expect(existsSync(json), `missing golden ${relative(ROOT, json)}; ${why}`).toBe(true);
          expect(renderRaceDiagram(r.trace, built!, run), `${relative(ROOT, txt)} differs; ${why}`).toBe(readFileSync(txt, 'utf8'));
          expect(itfText(toItf(r.trace, built!, source)), `${relative(ROOT, json)} differs; ${why}`).toBe(readFileSync(json, 'utf8'));
        }
        const stale = goldenFiles(dir).filter((f) => !produced.has(f));
        expect(stale, `golden files no trace produces any more, under ${relative(ROOT, dir)}`).toEqual([]);
      });
    }
  }
});
