// Ctrl-C on the documented command, `npm run check <spec>`, typed on a real
// terminal: the pseudo-terminal of script(1) turns ^C into SIGINT for the
// whole foreground process group (npm, sh, node), as a terminal does. The
// run must print its partial statistics, exit 130 and show the cursor again
// (the progress line hides it).

import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const hasScript = spawnSync('script', ['--version']).status === 0;
const HIDE = '\x1b[?25l';
const SHOW = '\x1b[?25h';

it.skipIf(!hasScript)('^C on npm run check keeps the partial statistics and restores the cursor (needs script(1))', async () => {
  const out = mkdtempSync(join(tmpdir(), 'mmcheck-int-'));
  // A pseudo-terminal without a size would make the progress line draw nothing.
  const cmd = `stty cols 80 rows 24; npm run --silent check -- test/fixtures/specs/big.ts --out ${out}`;
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: ROOT, env: { ...process.env, TERM: 'xterm' } });
  let text = '';
  let sent = false;
  const ctrlC = (): void => {
    if (!sent) child.stdin.write('\x03');
    sent = true;
  };
  child.stdout.on('data', (d) => {
    text += d;
    // The progress line shows counts once the search runs (the handler is set by then).
    if (/n7-k9: [\d,]+ st/.test(text)) setTimeout(ctrlC, 200);
  });
  const fallback = setTimeout(ctrlC, 30_000);
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearTimeout(fallback);
  clearTimeout(killer);
  // The partial statistics: what was decided and how far the search got.
  expect(text, text).toContain('not decided (interrupted)');
  expect(text, text).toMatch(/[\d,]+ distinct states, depth \d+, [\d.]+ s/);
  expect(text.lastIndexOf(SHOW), 'cursor shown after the last hide').toBeGreaterThan(text.lastIndexOf(HIDE));
  expect(code).toBe(130);
}, 90_000);

it.skipIf(hasScript)('^C on npm run check: skipped, script(1) (util-linux) is not installed', () => {});
