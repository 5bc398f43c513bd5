// The all-specs run's rows for spec files that could not be checked (they
// fail to load, their name is taken, they do not type-check): one row each,
// after the verdict table, so that the other specs' verdicts still count.

import { relative } from 'node:path';
import type { BrokenSpec } from './discover.ts';

type Colors = { red(s: string): string; bold(s: string): string };

const WIDTH = 80;

/** Breaks a line at spaces so that it fits the width, continuation lines indented. */
function wrap(line: string, indent: string): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > WIDTH) {
    const cut = rest.lastIndexOf(' ', WIDTH);
    if (cut <= indent.length) break;
    out.push(rest.slice(0, cut));
    rest = indent + rest.slice(cut + 1).trimStart();
  }
  out.push(rest);
  return out;
}

export function brokenSpecsReport(broken: readonly BrokenSpec[], c: Colors, root: string, cwd = process.cwd()): string {
  if (!broken.length) return '';
  const lines = [c.bold(`${broken.length} spec file(s) could not be checked:`)];
  for (const b of broken) {
    const shown = relative(cwd, b.file) || b.file;
    const [head, ...rest] = b.message.split('\n');
    // The row names the file: drop the message's own mention of it.
    let first = head!;
    for (const name of new Set([shown, relative(root, b.file)])) {
      first = first.replace(`cannot load ${name}: `, 'cannot load: ');
      if (first.startsWith(`${name} `)) first = first.slice(name.length + 1);
    }
    lines.push(...wrap(`${c.red('!!')} ${shown}: ${first}`, '     '));
    for (const l of rest) lines.push(...wrap(`     ${l.trim()}`, '       '));
  }
  return lines.join('\n') + '\n';
}
