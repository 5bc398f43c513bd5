// The HTML report (--html): built from real results (lost-update, both
// variants), checked as a string (self-contained, every verdict present),
// then opened in a real headless browser (Debian's chromium driven by
// playwright-core): the matrix, the race diagram with highlighted changes,
// and the step slider showing the state after each step, with no request
// leaving the file. Without a browser that part is skipped and says so.

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSpecFile } from '../src/cli/discover.ts';
import { explore } from '../src/explicit/explore.ts';
import { htmlReport, htmlReportData } from '../src/report/html.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.MMCHECK_CHROMIUM ?? '/usr/bin/chromium';

const spec = (await loadSpecFile(join(ROOT, 'specs/classic/lost-update.ts'), ROOT))!;
const variants = await Promise.all(
  spec.variants.map(async (v) => {
    const built = spec.build(v);
    const run = await explore(built);
    const rows = run.properties.map((result) => ({ spec: spec.name, variant: v, result, expected: built.expected.get(result.property), run }));
    return { built, run, rows };
  }),
);
const specs = [{ name: spec.name, variants }];
const html = htmlReport(specs);
const racy = htmlReportData(specs).traces.find((t) => t.variant === 'racy' && t.property === 'NoLostUpdate')!;

describe('the HTML report as a file', () => {
  it('is self-contained: no external resource, a CSP that forbids fetching one', () => {
    expect(html).not.toMatch(/\b(src|href)="(?!#)/);
    expect(html).not.toMatch(/https?:\/\/(?!apalache)/);
    expect(html).toContain("default-src 'none'");
  });

  it('has the racy counterexample with its changes', () => {
    expect(racy.steps).toHaveLength(8);
    expect(racy.steps.flatMap((s) => s.changes.map((c) => c.field))).toContain('counter');
    expect(html).toContain(`<a href="#${racy.id}">violated (8 steps)</a>`);
  });
});

let playwright: typeof import('playwright-core') | undefined;
try {
  playwright = await import('playwright-core');
} catch {
  playwright = undefined;
}
const browser = existsSync(CHROMIUM) && playwright !== undefined;

describe.skipIf(!browser)(`the HTML report in headless chromium (${CHROMIUM})`, () => {
  it('shows the matrix, highlights changes, and the slider walks the trace', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mmcheck-html-')), 'report.html');
    writeFileSync(file, html);
    const b = await playwright!.chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    try {
      const page = await b.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(pathToFileURL(file).href);

      // The matrix: one row per variant, the racy NoLostUpdate cell violated, as expected.
      const matrix = page.locator('table.matrix[data-spec="lost-update"]');
      expect(await matrix.locator('tr').count()).toBe(3);
      const cell = matrix.locator('td.violated');
      expect(await cell.count()).toBe(1);
      expect(await cell.textContent()).toBe('violated (8 steps)');
      expect(await matrix.locator('td.surprise').count()).toBe(0);

      // The race diagram: 8 steps, two actor columns, the changes highlighted.
      const sec = page.locator(`#${racy.id}`);
      expect(await sec.locator('tr.step').count()).toBe(8);
      expect(await sec.locator('table.race tr').first().locator('th').count()).toBe(1 + racy.actors.length);
      expect(await sec.locator('table.race mark').count()).toBe(racy.steps.reduce((n, s) => n + s.changes.length, 0));

      // The slider: the state after step k, the fields step k changed highlighted, later steps dimmed.
      const slider = sec.locator('input[type=range]');
      expect(await slider.getAttribute('max')).toBe('8');
      for (const k of [0, 3, 8]) {
        await slider.fill(String(k));
        expect(await sec.locator('output').textContent()).toBe(String(k));
        const rows = await sec.locator('table.state tr').evaluateAll((trs) =>
          trs.map((tr) => ({ cells: [...tr.querySelectorAll('td')].map((td) => td.textContent), changed: tr.className === 'changed' })),
        );
        const values = k === 0 ? racy.initial : racy.steps[k - 1]!.state;
        expect(rows.map((r) => r.cells)).toEqual(racy.fields.map((f, i) => [f, values[i]]));
        const changed = k === 0 ? [] : racy.steps[k - 1]!.changes.map((c) => c.field);
        expect(rows.filter((r) => r.changed).map((r) => r.cells[0])).toEqual(changed);
        expect(await sec.locator('tr.step.later').count()).toBe(8 - k);
      }
      // After the last step the counter is 1: the lost update.
      expect(racy.steps[7]!.state[racy.fields.indexOf('counter')]).toBe('1');

      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await b.close();
    }
  }, 60_000);
});

it.skipIf(browser)(`the HTML report in a browser: skipped, no ${CHROMIUM} or playwright-core (apt-get install -y chromium)`, () => {});
