// Deterministic tree walks and the entry order of our layer tars.
import { lstatSync, readdirSync, type BigIntStats } from 'node:fs';
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

/**
 * Walks `root` (not included) without following symlinks; parents before children, names sorted.
 * Synchronous syscalls on purpose: metadata is in the page cache, and a thread-pool round trip
 * per lstat made layer commits 3-4x slower (bench/results/layer-commit.md).
 */
export async function* walkTree(root: string, rel = ''): AsyncGenerator<WalkEntry> {
  const dir = rel ? path.join(root, rel) : root;
  for (const name of sortNames(readdirSync(dir))) {
    const childRel = rel ? `${rel}/${name}` : name;
    const abs = path.join(root, childRel);
    const st = lstatSync(abs, { bigint: true });
    yield { rel: childRel, abs, st };
    if (st.isDirectory()) yield* walkTree(root, childRel);
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
