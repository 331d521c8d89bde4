// Column layout like Go's text/tabwriter as docker's CLI configures it
// (minwidth 10, tabwidth 1, padding 3, spaces): every column but the last is padded.

/** Display width: wide (CJK) characters count 2, combining marks 0 (close to go-runewidth). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0x300 && c <= 0x36f) || c === 0x200b) continue;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xff60) || (c >= 0x1f300 && c <= 0x1faff) ? 2 : 1;
  }
  return w;
}

export function tabwrite(rows: string[][], opts: { minWidth?: number; padding?: number } = {}): string {
  const minWidth = opts.minWidth ?? 10;
  const padding = opts.padding ?? 3;
  const widths: number[] = [];
  for (const row of rows) {
    row.slice(0, -1).forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? minWidth, displayWidth(cell) + padding);
    });
  }
  return rows
    .map((row) => row.map((cell, i) => (i < row.length - 1 ? cell + ' '.repeat(Math.max(0, widths[i] - displayWidth(cell))) : cell)).join(''))
    .map((line) => line + '\n')
    .join('');
}

/** docker's formatter.Ellipsis: cut to `max` display columns, the last one an ellipsis. */
export function ellipsis(s: string, max: number): string {
  if (displayWidth(s) <= max) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = displayWidth(ch);
    if (w + cw > max - 1) break;
    out += ch;
    w += cw;
  }
  return out + '…';
}
