// Changes between two directory trees (the copy snapshotter: parent rootfs vs the step's copy).
// Compares type, mode, uid, gid, a grown link count, size, mtime, link target, device number, the
// capability xattr and — when all of that matches — the content. Parents of every change are
// included, as an OverlayFS upperdir would hold them (copied-up directories).
import type { BigIntStats } from 'node:fs';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CAPABILITY_XATTR, type Change } from './layer.ts';
import type { ChangeSet } from './upperdir-changes.ts';
import { comparePaths, parentPaths, sortNames, walkTree } from './walk.ts';
import { readXattrsRecursive } from './xattr.ts';

export interface TreeDiffOptions {
  /** Compare bytes of regular files whose metadata matches (default true). */
  compareContent?: boolean;
}

async function lstatOrNull(p: string): Promise<BigIntStats | null> {
  return fs.lstat(p, { bigint: true }).catch(() => null);
}

function typeOf(st: BigIntStats): number {
  return Number(st.mode) & 0o170000;
}

async function sameContent(a: string, b: string): Promise<boolean> {
  const ra = createReadStream(a, { highWaterMark: 1 << 20 })[Symbol.asyncIterator]();
  const rb = createReadStream(b, { highWaterMark: 1 << 20 })[Symbol.asyncIterator]();
  let bufA: Buffer = Buffer.alloc(0);
  let bufB: Buffer = Buffer.alloc(0);
  let doneA = false;
  let doneB = false;
  try {
    for (;;) {
      if (!bufA.length && !doneA) {
        const r = await ra.next();
        if (r.done) doneA = true;
        else bufA = r.value as Buffer;
      }
      if (!bufB.length && !doneB) {
        const r = await rb.next();
        if (r.done) doneB = true;
        else bufB = r.value as Buffer;
      }
      if (!bufA.length || !bufB.length) return !bufA.length && !bufB.length && doneA && doneB;
      const n = Math.min(bufA.length, bufB.length);
      if (!bufA.subarray(0, n).equals(bufB.subarray(0, n))) return false;
      bufA = bufA.subarray(n);
      bufB = bufB.subarray(n);
    }
  } finally {
    await ra.return?.();
    await rb.return?.();
  }
}

/** Lists what changed from `lower` (the parent rootfs) to `upper` (the step's rootfs). */
export async function treeChanges(lower: string, upper: string, opts: TreeDiffOptions = {}): Promise<ChangeSet> {
  const compareContent = opts.compareContent ?? true;
  const capPattern = `^${CAPABILITY_XATTR.replace(/\./g, '\\.')}$`;
  const [capsOld, capsNew] = await Promise.all([readXattrsRecursive(lower, capPattern), readXattrsRecursive(upper, capPattern)]);
  const capOf = (m: Map<string, Map<string, string>>, rel: string) => m.get(rel)?.get(CAPABILITY_XATTR);
  const changed = new Map<string, Change>();

  const differs = async (rel: string, o: BigIntStats, n: BigIntStats): Promise<boolean> => {
    if (typeOf(o) !== typeOf(n) || o.mode !== n.mode || o.uid !== n.uid || o.gid !== n.gid) return true;
    if (o.mtimeNs !== n.mtimeNs) return true;
    if (capOf(capsOld, rel) !== capOf(capsNew, rel)) return true;
    if (n.isDirectory()) return false;
    // a new hardlink to a file counts (OverlayFS copies the file up); a removed sibling link does not
    if (n.nlink > o.nlink || o.size !== n.size || o.rdev !== n.rdev) return true;
    if (n.isSymbolicLink()) {
      return (await fs.readlink(path.join(lower, rel))) !== (await fs.readlink(path.join(upper, rel)));
    }
    if (n.isFile() && compareContent) return !(await sameContent(path.join(lower, rel), path.join(upper, rel)));
    return false;
  };

  const addAll = async (rel: string) => {
    for await (const e of walkTree(upper, rel)) changed.set(e.rel, { kind: 'add', path: e.rel });
  };

  const diffDir = async (rel: string): Promise<void> => {
    const oldNames = await fs.readdir(path.join(lower, rel)).catch(() => [] as string[]);
    const newNames = await fs.readdir(path.join(upper, rel));
    for (const name of sortNames([...new Set([...oldNames, ...newNames])])) {
      const childRel = rel ? `${rel}/${name}` : name;
      const o = await lstatOrNull(path.join(lower, childRel));
      const n = await lstatOrNull(path.join(upper, childRel));
      if (!n) {
        if (o) changed.set(childRel, { kind: 'delete', path: childRel });
        continue;
      }
      if (!o) {
        changed.set(childRel, { kind: 'add', path: childRel });
        if (n.isDirectory()) await addAll(childRel);
        continue;
      }
      if (await differs(childRel, o, n)) changed.set(childRel, { kind: 'modify', path: childRel });
      if (n.isDirectory()) {
        if (o.isDirectory()) await diffDir(childRel);
        else await addAll(childRel);
      }
    }
  };
  await diffDir('');

  for (const rel of [...changed.keys()]) {
    for (const parent of parentPaths(rel)) if (!changed.has(parent)) changed.set(parent, { kind: 'modify', path: parent });
  }
  const changes = [...changed.values()].sort((a, b) => comparePaths(a.path, b.path));
  const capabilities = new Map<string, string>();
  for (const c of changes) {
    const cap = c.kind !== 'delete' ? capOf(capsNew, c.path) : undefined;
    if (cap) capabilities.set(c.path, cap);
  }
  return { root: upper, changes, capabilities };
}
