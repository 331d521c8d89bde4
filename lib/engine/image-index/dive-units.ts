// Byte sizes the way dive prints and parses them (github.com/dustin/go-humanize: Bytes and
// ParseBytes): SI units, "82 kB", "1.2 MB"; "20MB", "20Mb", "1.5 GiB", "1,000 kB" parse.
import { EngineError } from '../errors.ts';

const SI = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** humanize.Bytes: below 10 as "N B", else one decimal under 10 of the unit, none above. */
export function humanizeBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const val = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  return val < 10 ? `${val.toFixed(1)} ${SI[e]}` : `${val.toFixed(0)} ${SI[e]}`;
}

const UNITS: Record<string, number> = { '': 1, b: 1 };
for (const [i, p] of ['k', 'm', 'g', 't', 'p', 'e', 'z', 'y'].entries()) {
  UNITS[p] = UNITS[`${p}b`] = 1000 ** (i + 1);
  UNITS[`${p}i`] = UNITS[`${p}ib`] = 1024 ** (i + 1);
}

/** humanize.ParseBytes: digits (commas allowed) with an optional unit, case-insensitive. */
export function parseBytes(s: string): number {
  let i = 0;
  while (i < s.length && /[0-9.,]/.test(s[i])) i++;
  const num = s.slice(0, i).replaceAll(',', '');
  const unit = s.slice(i).trim().toLowerCase();
  if (!/^(\d+\.?\d*|\.\d+)$/.test(num)) throw new EngineError('INVALID_INPUT', `"${s}" is not a size (like 20MB, 1.5GiB or 1000)`);
  const mult = UNITS[unit];
  if (mult === undefined) throw new EngineError('INVALID_INPUT', `unhandled size name: ${unit} (in "${s}")`);
  return Math.floor(Number(num) * mult);
}
