// Deterministic tree walks and the entry order of our layer tars.
import type { BigIntStats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Compares relative POSIX paths component by component, bytewise: the order of a sorted tree walk. */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    if (pa[i] !== pb[i]) return Buffer.compare(Buffer.from(pa[i]), Buffer.from(pb[i]));
  }
  return pa.length - pb.length;
}

export function sortNames(names: string[]): string[] {
  return names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

export interface WalkEntry {
  /** relative POSIX path */
  rel: string;
  abs: string;
  st: BigIntStats;
}

/** Walks `root` (not included) without following symlinks; parents before children, names sorted. */
export async function* walkTree(root: string, rel = ''): AsyncGenerator<WalkEntry> {
  const dir = rel ? path.join(root, rel) : root;
  const names = sortNames(await fs.readdir(dir));
  // lstat a directory's entries concurrently (the thread pool hides syscall latency)
  for (let i = 0; i < names.length; i += 128) {
    const batch = names.slice(i, i + 128).map((name) => {
      const childRel = rel ? `${rel}/${name}` : name;
      const abs = path.join(root, childRel);
      return { rel: childRel, abs, st: fs.lstat(abs, { bigint: true }) };
    });
    const stats = await Promise.all(batch.map((b) => b.st));
    for (const [j, b] of batch.entries()) {
      yield { rel: b.rel, abs: b.abs, st: stats[j] };
      if (stats[j].isDirectory()) yield* walkTree(root, b.rel);
    }
  }
}

/** "a/b/c" -> ["a", "a/b"] */
export function parentPaths(rel: string): string[] {
  const parts = rel.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

/** An OverlayFS whiteout: a character device with device number 0/0. */
export function isWhiteoutStat(st: { isCharacterDevice(): boolean; rdev: number | bigint }): boolean {
  return st.isCharacterDevice() && Number(st.rdev) === 0;
}
