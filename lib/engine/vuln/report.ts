// Plain-text tables in the style of trivy's (ASCII borders, long cells wrapped to the column
// width), for `lab scan` and `lab sbom --format table`.
function wrap(s: string, width: number): string[] {
  if (s.length <= width) return [s];
  const out: string[] = [];
  let rest = s;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= 0) cut = width;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

export function asciiTable(header: string[], rows: string[][], opts: { maxWidth?: number[] } = {}): string {
  const widths = header.map((h, i) => Math.min(opts.maxWidth?.[i] ?? 60, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const render = (cells: string[]) => {
    const wrapped = cells.map((c, i) => wrap(c ?? '', widths[i]));
    const height = Math.max(1, ...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++) out.push(`| ${wrapped.map((w, i) => (w[k] ?? '').padEnd(widths[i])).join(' | ')} |`);
    return out;
  };
  const out = [line, ...render(header), line];
  for (const r of rows) out.push(...render(r), line);
  return out.join('\n');
}
