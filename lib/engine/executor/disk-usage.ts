// Disk use of a directory tree (allocated blocks, hardlinks counted once), for the
// RUN disk-limit watchdog. Walks with lstat; never follows symlinks.
import fs from 'node:fs/promises';
import path from 'node:path';

export async function diskUsage(dir: string, stopAbove = Infinity): Promise<number> {
  let total = 0;
  const seen = new Set<string>();
  const stack = [dir];
  while (stack.length > 0 && total <= stopAbove) {
    const cur = stack.pop()!;
    let entries;
    try {
      entries = await fs.readdir(cur, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(cur, e.name);
      try {
        const st = await fs.lstat(p, { bigint: true });
        if (st.nlink > 1n) {
          const key = `${st.dev}:${st.ino}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        total += Number(st.blocks) * 512;
        if (e.isDirectory()) stack.push(p);
      } catch {
        // removed while walking
      }
    }
  }
  return total;
}
