// Sizes and durations printed the way docker's CLI prints them (github.com/docker/go-units):
// HumanSizeWithPrecision(size, 3) -> "4.26MB", "0B", "1.23kB"; HumanDuration -> "5 seconds".

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** Go's fmt "%.*g" for a non-negative number. */
export function formatG(value: number, precision: number): string {
  if (value === 0) return '0';
  const [mant, exp] = value.toExponential(precision - 1).split('e');
  const e = Number(exp);
  if (e < -4 || e >= precision) {
    return `${trimZeros(mant)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return trimZeros(value.toFixed(Math.max(0, precision - 1 - e)));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** docker's HumanSizeWithPrecision: decimal units, 3 significant digits by default. */
export function humanSize(bytes: number, precision = 3): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return `${formatG(size, precision)}${DECIMAL_UNITS[i]}`;
}

/** docker's HumanDuration ("Less than a second", "About a minute", "3 weeks" ...). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

/** "5 seconds ago" for an RFC 3339 time; "N/A" when unknown (docker prints that too). */
export function timeAgo(created: string | undefined, now = Date.now()): string {
  if (!created) return 'N/A';
  const t = Date.parse(created);
  if (Number.isNaN(t) || t <= 0) return 'N/A';
  return `${humanDuration(Math.max(0, now - t))} ago`;
}
