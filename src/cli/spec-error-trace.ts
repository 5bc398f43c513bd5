// A spec error found during the search (a throw, a value out of range, a
// non-deterministic step) has a shortest trace to the state where it
// happened. It is printed under the message (src/cli/errors.ts) and written
// as files beside the counterexamples: spec-error.txt (the race diagram) and
// spec-error.json (ITF, which --replay re-executes to confirm the error
// still happens in its last state).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TracedSpecError } from '../explicit/errors.ts';
import { itfText, toItf } from '../report/itf.ts';
import { renderRaceDiagram } from '../report/race-diagram.ts';
import type { BuiltModel } from '../spec/spec.ts';
import { ValueRangeError, type Codec } from '../state/codec.ts';
import { IoError } from './errors.ts';
import { DEFAULT_OUT, GOLDEN_DIR, makeDir, variantDir } from './trace-files.ts';

/** The property name the explicit search gives a spec error's trace (src/explicit/search.ts). */
export const SPEC_ERROR_PROPERTY = 'spec-error';

/** What became of a spec error's trace files: where they are, or why they are not. */
const written = new WeakMap<TracedSpecError, { files: string[] } | { error: string }>();

export function specErrorFiles(e: TracedSpecError): { files: string[] } | { error: string } | undefined {
  return written.get(e);
}

/** The diagram printed under the message and written to spec-error.txt. */
export function specErrorDiagram(e: TracedSpecError): string {
  const n = e.trace.steps.length;
  return (
    `The shortest trace to the state where it happened (${n} step${n === 1 ? '' : 's'}):\n\n` +
    renderRaceDiagram(e.trace, e.built, { method: 'breadth-first search' }, { body: true })
  );
}

/**
 * Writes spec-error.txt and spec-error.json for the variant the error is
 * in, and remembers the paths for the message. Never into the golden
 * counterexamples/ (a spec error is no counterexample): --update-goldens
 * writes them to the default trace directory instead. A write failure is
 * remembered too; the spec error stays the answer.
 */
export function writeSpecErrorTrace(e: TracedSpecError, outDir: string, root: string, source: string): void {
  const dir = variantDir(outDir === join(root, GOLDEN_DIR) ? join(root, DEFAULT_OUT) : outDir, e.built.spec.name, e.built.variant);
  const itf = toItf(e.trace, e.built, source);
  const doc = {
    ...itf,
    '#meta': { ...itf['#meta'], description: 'mmcheck: a shortest trace to the state where a spec error happened', error: e.message },
  };
  const files = [join(dir, `${SPEC_ERROR_PROPERTY}.txt`), join(dir, `${SPEC_ERROR_PROPERTY}.json`)];
  try {
    makeDir(dir);
    for (const [file, text] of [
      [files[0]!, `mmcheck: ${e.message}\n\n${specErrorDiagram(e)}`],
      [files[1]!, itfText(doc as typeof itf)],
    ] as const) {
      try {
        writeFileSync(file, text);
      } catch (x) {
        throw new IoError(`cannot write ${file}: ${(x as NodeJS.ErrnoException).code ?? (x as Error).message}`);
      }
    }
    written.set(e, { files });
  } catch (x) {
    written.set(e, { error: x instanceof Error ? x.message : String(x) });
  }
}

const text = (e: unknown): string => (e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e));

/**
 * The replay of a spec error's trace: the states up to the last one have
 * been replayed; does a spec error happen in the last state? Each check the
 * search makes of a state, in its order: the state properties, the state
 * constraint, the terminal predicate, then per transition its guard (a
 * boolean), its apply, the successor's range, the same successor a second
 * time (determinism), and the step properties on that step; after each
 * guard, apply and property, that it wrote nothing into the state it was
 * given. The first failure is the error; undefined when there is none.
 */
export function specErrorIn(built: BuiltModel, codec: Codec, last: unknown): string | undefined {
  const attempt = (what: string, f: () => unknown, want?: 'boolean'): unknown => {
    let r: unknown;
    try {
      r = f();
    } catch (e) {
      if (e instanceof ValueRangeError) throw new Found(`${what} set ${e.field} to ${e.message.slice(e.field.length + 3)}`);
      throw new Found(`${what} threw ${text(e)}`);
    }
    if (want === 'boolean' && typeof r !== 'boolean') throw new Found(`${what} returned ${String(r)}, not a boolean`);
    return r;
  };
  // Guards, applies and properties must only read the state they are given
  // (src/explicit/hygiene.ts): the search reports a write into s as a spec
  // error, so the replay re-encodes the last state after each of them.
  const original = new Uint32Array(codec.words);
  const now = new Uint32Array(codec.words);
  codec.encode(last, original, 0);
  const readOnly = (what: string, state: unknown, fixed: Uint32Array): void => {
    let same = true;
    try {
      codec.encode(state, now, 0);
      same = now.every((w, k) => w === fixed[k]);
    } catch {
      same = false;
    }
    if (!same) throw new Found(what);
  };
  const sWritten = (label: string): string => `${label} modified the current state s; write the next state n instead`;
  const propertyWrote = 'a property modified the state it was given; properties must only read their arguments';
  try {
    for (const p of built.properties)
      if (p.kind !== 'transition') {
        attempt(`property ${p.name}`, () => (p.pred as (s: unknown) => unknown)(last), 'boolean');
        if (p.to) attempt(`property ${p.name}`, () => p.to!(last), 'boolean');
        readOnly(propertyWrote, last, original);
      }
    const constraint = built.model.constraintPred as ((s: unknown) => unknown) | undefined;
    if (constraint && attempt('the state constraint', () => constraint(last), 'boolean') === false) return undefined;
    attempt('the terminal predicate', () => built.isIntendedEnd(last));
    const words = new Uint32Array(codec.words);
    const again = new Uint32Array(codec.words);
    for (const t of built.transitions) {
      const enabled = attempt(`the guard of ${t.label}`, () => t.enabled(last), 'boolean');
      readOnly(sWritten(t.label), last, original);
      if (enabled !== true) continue;
      const next = codec.clone(last);
      attempt(t.label, () => t.fire(last, next));
      readOnly(sWritten(t.label), last, original);
      attempt(t.label, () => codec.encode(next, words, 0));
      const second = codec.clone(last);
      attempt(t.label, () => t.fire(last, second));
      attempt(t.label, () => codec.encode(second, again, 0));
      if (words.some((w, k) => w !== again[k])) throw new Found(`${t.label} is not deterministic: two runs gave different successors`);
      for (const p of built.properties)
        if (p.kind === 'transition') {
          attempt(`property ${p.name}`, () => (p.pred as (s: unknown, n: unknown) => unknown)(last, next), 'boolean');
          readOnly(propertyWrote, last, original);
          readOnly(propertyWrote, next, words);
        }
    }
  } catch (e) {
    if (e instanceof Found) return e.message;
    throw e;
  }
  return undefined;
}

class Found extends Error {}
