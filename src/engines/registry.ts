// The engines mmcheck knows. A new engine is a file like ./explicit.ts and
// one line here; the CLI takes its --engine choices, options, help and
// validation from this list.

import type { Engine, EngineOption } from './engine.ts';
import { explicitEngine } from './explicit.ts';
import { bmcEngine } from './bmc.ts';
import { inductionEngine } from './induction.ts';
import { parallelEngine } from './parallel.ts';

export const ENGINES: readonly Engine[] = [
  explicitEngine,
  bmcEngine,
  inductionEngine,
  parallelEngine,
];

export const DEFAULT_ENGINE = explicitEngine.name;

export function engineNamed(name: string): Engine | undefined {
  return ENGINES.find((e) => e.name === name);
}

/** Every engine option once (by key), with the engines that take it, in registry order. */
export function engineOptions(): { option: EngineOption; engines: string[] }[] {
  const out: { option: EngineOption; engines: string[] }[] = [];
  for (const e of ENGINES)
    for (const o of e.options) {
      const seen = out.find((x) => x.option.key === o.key);
      if (seen) seen.engines.push(e.name);
      else out.push({ option: o, engines: [e.name] });
    }
  return out;
}
