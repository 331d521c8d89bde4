// Changes of an OverlayFS step, read from its upperdir: copied-up/new entries, whiteout
// devices (deletions) and opaque directories, which we expand into explicit whiteouts of the
// children still visible in the lower layers (BuildKit's overlay differ does the same).
import { lstatSync, type BigIntStats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CAPABILITY_XATTR, OPAQUE_XATTR, type Change } from './layer.ts';
import { isWhiteoutStat, parentPaths, sortNames, walkTree } from './walk.ts';
import { OPAQUE_HEX, readXattrsRecursive } from './xattr.ts';

/** The changes of one step plus what the writer needs to write them. */
export interface ChangeSet {
  /** Directory the changed paths are read from (upperdir or the new tree). */
  root: string;
  changes: Change[];
  /** path -> hex value of security.capability, for changed paths that have one. */
  capabilities: Map<string, string>;
  /** Opaque directories of an upperdir (kept for the unpacked-layer cache's sidecar). */
  opaqueDirs?: string[];
}

/** A lower layer in lowerdir form, top-most first. `opaqueDirs` saves reading xattrs. */
export interface LowerDir {
  dir: string;
  opaqueDirs?: Set<string>;
}

async function lstatOrNull(p: string) {
  return fs.lstat(p).catch(() => null);
}

async function opaqueSet(lower: LowerDir): Promise<Set<string>> {
  if (!lower.opaqueDirs) {
    const xattrs = await readXattrsRecursive(lower.dir, `^${OPAQUE_XATTR.replace(/\./g, '\\.')}$`);
    lower.opaqueDirs = new Set([...xattrs].filter(([, m]) => m.get(OPAQUE_XATTR) === OPAQUE_HEX).map(([p]) => p));
  }
  return lower.opaqueDirs;
}

/** Names visible in directory `rel` of the merged lower layers (what an opaque upper dir hides). */
export async function lowerChildren(lowers: LowerDir[], rel: string): Promise<Set<string>> {
  const visible = new Set<string>();
  const hidden = new Set<string>();
  const prefixes = rel ? [...parentPaths(rel), rel] : [];
  for (const lower of lowers) {
    const opaque = await opaqueSet(lower);
    let present = true;
    let blocksBelow = false;
    for (const q of prefixes) {
      const st = await lstatOrNull(path.join(lower.dir, q));
      if (!st) {
        present = false;
        break;
      }
      if (!st.isDirectory()) {
        present = false;
        blocksBelow = true; // a whiteout or a file hides the path in all layers below
        break;
      }
      if (opaque.has(q)) blocksBelow = true;
    }
    if (rel === '' && opaque.has('')) blocksBelow = true;
    if (present) {
      const dir = path.join(lower.dir, rel);
      for (const name of await fs.readdir(dir)) {
        if (hidden.has(name) || visible.has(name)) continue;
        const st = await lstatOrNull(path.join(dir, name));
        if (st && isWhiteoutStat(st)) hidden.add(name);
        else visible.add(name);
      }
    }
    if (blocksBelow) break;
  }
  return visible;
}

/** The top-most lower entry at `rel` (undefined when absent or whited out). */
function lowerStat(lowers: LowerDir[], rel: string): BigIntStats | undefined {
  for (const lower of lowers) {
    let st;
    try {
      st = lstatSync(path.join(lower.dir, rel), { bigint: true });
    } catch {
      continue; // ENOENT, or ENOTDIR: a file in this layer where the path needs a directory
    }
    return isWhiteoutStat(st) ? undefined : st;
  }
  return undefined;
}

/**
 * A directory OverlayFS copied up only to hold something below it (a runc mount stub that was
 * removed again, or a modified child) but whose own metadata is untouched: not a change by itself.
 */
function sameDirectory(upper: BigIntStats, lower: BigIntStats | undefined): boolean {
  return !!lower && upper.isDirectory() && lower.isDirectory() && upper.mode === lower.mode &&
    upper.uid === lower.uid && upper.gid === lower.gid && upper.mtimeNs === lower.mtimeNs;
}

/** Lists what a step changed, from its upperdir and the lowerdirs it was mounted on (top first). */
export async function upperdirChanges(upper: string, lowers: LowerDir[]): Promise<ChangeSet> {
  const xattrs = await readXattrsRecursive(upper, `^(${OPAQUE_XATTR.replace(/\./g, '\\.')}|${CAPABILITY_XATTR.replace(/\./g, '\\.')})$`);
  const changes: Change[] = [];
  const capabilities = new Map<string, string>();
  const opaqueDirs: string[] = [];
  const unchangedDirs = new Set<number>(); // indexes into changes
  for await (const { rel, st } of walkTree(upper)) {
    if (isWhiteoutStat(st)) {
      changes.push({ kind: 'delete', path: rel });
      continue;
    }
    const attrs = xattrs.get(rel);
    const cap = attrs?.get(CAPABILITY_XATTR);
    if (cap) capabilities.set(rel, cap);
    const lower = lowerStat(lowers, rel);
    const opaque = st.isDirectory() && attrs?.get(OPAQUE_XATTR) === OPAQUE_HEX;
    if (!opaque && sameDirectory(st, lower)) unchangedDirs.add(changes.length);
    changes.push({ kind: lower ? 'modify' : 'add', path: rel });
    if (opaque) {
      opaqueDirs.push(rel);
      const inUpper = new Set(await fs.readdir(path.join(upper, rel)));
      for (const name of sortNames([...(await lowerChildren(lowers, rel))])) {
        if (!inUpper.has(name)) changes.push({ kind: 'delete', path: `${rel}/${name}` });
      }
    }
  }
  return { root: upper, changes: dropBareDirectories(changes, unchangedDirs), capabilities, opaqueDirs };
}

/**
 * Keeps an unchanged directory only as the parent of a change below it (tar readers expect the
 * parent entry, as containerd's and BuildKit's differs write it). Changes come parents first and
 * sorted, so a directory's descendants directly follow it: walking backwards, the next kept entry
 * tells whether anything below the directory survived.
 */
function dropBareDirectories(changes: Change[], unchanged: Set<number>): Change[] {
  if (unchanged.size === 0) return changes;
  const kept: Change[] = [];
  for (let i = changes.length - 1; i >= 0; i--) {
    const next = kept[kept.length - 1];
    if (unchanged.has(i) && !(next && next.path.startsWith(changes[i].path + '/'))) continue;
    kept.push(changes[i]);
  }
  return kept.reverse();
}
