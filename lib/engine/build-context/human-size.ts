// Sizes in docker's human units (go-units HumanSize: decimal, 4 significant digits):
// 245123456 -> "245.1MB", 1500 -> "1.5kB".
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

export function humanSize(bytes: number): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return `${formatG4(size)}${UNITS[i]}`;
}

/** Go's %.4g: 4 significant digits, trailing zeros dropped. */
function formatG4(n: number): string {
  if (n === 0) return '0';
  return String(Number(n.toPrecision(4)));
}
