// Go's fmt "%v" of decoded docker values, so that `--format '{{.RootFS.Layers}}'` prints
// "[sha256:a sha256:b]" and `{{.Config.Labels}}` prints "map[k:v]" exactly like docker.
// JSON loses Go's types, so fields known to be maps or slices are listed by name.

/** Fields that are Go maps in docker's inspect types (printed map[k:v], nil -> map[]). */
export const MAP_FIELDS = new Set(['Labels', 'ExposedPorts', 'Volumes', 'Data', 'Annotations', 'Options']);
/** Fields that are Go slices (nil -> []). */
export const SLICE_FIELDS = new Set([
  'RepoTags', 'RepoDigests', 'Env', 'Cmd', 'Entrypoint', 'Shell', 'OnBuild', 'Layers', 'Test', 'Tags',
]);

export type FormatHint = { field?: string };

/** fmt.Sprint(v) for a JSON-decoded value. */
export function goFormat(value: unknown, hint: FormatHint = {}): string {
  if (value === null || value === undefined) {
    if (hint.field && SLICE_FIELDS.has(hint.field)) return '[]';
    if (hint.field && MAP_FIELDS.has(hint.field)) return 'map[]';
    return value === undefined ? '<no value>' : '<nil>';
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map((v) => goFormat(v, { field: undefined })).join(' ')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (hint.field && MAP_FIELDS.has(hint.field)) return formatMap(obj);
    const keys = Object.keys(obj);
    return `{${keys.map((k) => goFormat(obj[k], { field: k })).join(' ')}}`;
  }
  return String(value);
}

/** map[k1:v1 k2:v2] with keys sorted like Go's fmt does; struct{} values print as {}. */
export function formatMap(obj: Record<string, unknown>): string {
  const keys = Object.keys(obj).sort();
  return `map[${keys
    .map((k) => {
      const v = obj[k];
      const isEmptyStruct = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
      return `${k}:${isEmptyStruct ? '{}' : goFormat(v)}`;
    })
    .join(' ')}]`;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  // Go prints float64 with %v as the shortest repr, exponent for large/small magnitudes.
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [m, e] = n.toExponential().split('e');
    const exp = Number(e);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

/** Go's %q of a string (strconv.Quote): double quotes and Go escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** Go's %q of a []string: ["a" "b"] — how BuildKit writes CMD/ENTRYPOINT into history. */
export function goQuoteSlice(items: string[]): string {
  return `[${items.map(goQuote).join(' ')}]`;
}

/** JSON like Go's encoder with SetEscapeHTML(false), as docker's `json` template function. */
export function goJson(value: unknown, field?: string): string {
  // Go marshals maps with sorted keys (struct fields keep their order)
  return JSON.stringify(value === undefined ? null : value, (key, v) =>
    MAP_FIELDS.has(key === '' ? field ?? '' : key) && v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}
