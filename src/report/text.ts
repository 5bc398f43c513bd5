// Plain text that survives a mail client: ASCII only, lines wrapped under 80
// columns. Every line the report layer writes goes through these helpers.

/** The widest line the report layer writes (strictly under 80 columns). */
export const LINE_WIDTH = 78;

const REPLACEMENTS: Record<string, string> = {
  '\u2014': '--',
  '\u2013': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2026': '...',
  '\u2192': '->',
  '\u2190': '<-',
  '\u21d2': '=>',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2260': '!=',
  '\u00d7': 'x',
  '\u00a0': ' ',
  '\t': '  ',
};

/** Replaces common typographic characters by ASCII and anything else non-ASCII by '?'. */
export function ascii(text: string): string {
  return text.replace(/[^\x20-\x7e\n]/g, (c) => REPLACEMENTS[c] ?? '?');
}

/**
 * Wraps text to `width` columns: breaks at spaces, after commas, and before
 * an arrow; hard-breaks words that are longer than a line. Continuation lines
 * get `hang` extra spaces.
 */
export function wrap(text: string, width: number, hang = 0): string[] {
  // A line must have room beyond its hang, or breaking would never make progress.
  width = Math.max(width, hang + 10);
  const out: string[] = [];
  for (const para of ascii(text).split('\n')) {
    let line = '';
    let limit = width;
    const push = (): void => {
      out.push(line.replace(/\s+$/, ''));
      line = ' '.repeat(hang);
      limit = width;
    };
    // Tokens keep their trailing space, so joining them restores the text.
    for (let tok of para.match(/\S+\s*/g) ?? ['']) {
      if (line.trim() !== '' && line.length + tok.trimEnd().length > limit) push();
      while (line.length + tok.trimEnd().length > limit) {
        const room = Math.max(limit - line.length, 1);
        line += tok.slice(0, room);
        tok = tok.slice(room);
        push();
      }
      line += tok;
    }
    out.push(line.replace(/\s+$/, ''));
  }
  return out;
}

/** Wraps `text` to `width` and prefixes each line with `indent` spaces. */
export function indentWrap(text: string, indent: number, width = LINE_WIDTH, hang = 2): string[] {
  return wrap(text, width - indent, hang).map((l) => ' '.repeat(indent) + l);
}

/** Pads or truncates to exactly n columns. */
export function pad(text: string, n: number): string {
  return text.length >= n ? text.slice(0, n) : text + ' '.repeat(n - text.length);
}

/** Groups thousands: 1234567 -> 1,234,567 (TLC prints counts this way). */
export function count(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Wraps a formatted value ({a: 1, b: {c: 2}}) preferring breaks after its
 * commas, so that no "key: value" pair is split; falls back to wrap() for a
 * pair longer than a line.
 */
export function wrapValue(text: string, width: number, hang = 0): string[] {
  const pairs = ascii(text).match(/[^,]*(?:,\s*|$)/g)?.filter((t) => t !== '') ?? [''];
  const out: string[] = [];
  let line = '';
  for (const tok of pairs) {
    if (line.trim() !== '' && line.length + tok.trimEnd().length > width) {
      out.push(line.trimEnd());
      line = ' '.repeat(hang);
    }
    if (line.length + tok.trimEnd().length > width) {
      const lead = line.trim() === '' ? line.length : 0;
      const parts = lead || line === ''
        ? wrap(tok, width - lead, hang).map((l) => ' '.repeat(lead) + l)
        : wrap(line + tok, width, hang);
      out.push(...parts.slice(0, -1));
      line = parts[parts.length - 1]! + (tok.endsWith(' ') ? ' ' : '');
    } else line += tok;
  }
  out.push(line.trimEnd());
  return out;
}
