// One explicit-engine run in a fresh process, so peak RSS belongs to it alone.
// Usage: tsx bench/measure-explicit.ts <spec file> <variant>  -> JSON on stdout

import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { explore } from '../src/explicit/explore.ts';
import type { Spec } from '../src/spec/spec.ts';

const [file, variant] = process.argv.slice(2);
const spec = (await import(pathToFileURL(resolve(file!)).href)).default as Spec;
const run = await explore(spec.build(variant!));
process.stdout.write(JSON.stringify({ spec: spec.name, variant, status: run.status, ...run.stats }) + '\n');
