// Writes a trace as counterexamples/<spec>/<variant>/<property>.txt (race
// diagram) and .json (ITF). The contents are deterministic: golden copies
// are compared byte for byte.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult, Trace } from '../spec/results.ts';
import type { BuiltModel } from '../spec/spec.ts';
import { renderRaceDiagram } from '../report/race-diagram.ts';
import { itfText, toItf } from '../report/itf.ts';

/** A path segment from a spec, variant or property name. */
const segment = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * The files of a trace. Traces of the symbolic engines get the engine in
 * their name (<property>.bmc.txt), so that they never overwrite the
 * explicit engine's golden counterexamples.
 */
export function tracePaths(
  outDir: string,
  spec: string,
  variant: string,
  property: string,
  engine: RunResult['engine'] = 'explicit',
): [string, string] {
  const suffix = engine === 'explicit' ? '' : `.${engine}`;
  const base = join(outDir, segment(spec), segment(variant), segment(property) + suffix);
  return [`${base}.txt`, `${base}.json`];
}

/** Writes both files and returns their paths [txt, json]. */
export function writeTrace(trace: Trace, built: BuiltModel, run: RunResult, outDir: string, source: string): string[] {
  const [txt, json] = tracePaths(outDir, built.spec.name, built.variant, trace.property, run.engine);
  mkdirSync(join(txt, '..'), { recursive: true });
  writeFileSync(txt, renderRaceDiagram(trace, built, run));
  writeFileSync(json, itfText(toItf(trace, built, source)));
  return [txt, json];
}
