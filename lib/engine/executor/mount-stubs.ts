// Mount stubs: runc creates an empty dir or file in the rootfs for every mount target that
// is missing (/proc, /etc/hosts, /run/secrets/x ...). Record what was missing before the run
// and remove the stubs afterwards, so they never reach a layer (BuildKit's MountStubsCleaner).
import fs from 'node:fs/promises';
import path from 'node:path';
import { hostCommand } from './host-command.ts';
import { resolveInRoot } from './scoped-path.ts';

interface Stub { hostPath: string; depth: number }
interface ParentTimes { hostPath: string; mtimeNs: bigint }

export interface StubRecord {
  stubs: Stub[];
  parents: ParentTimes[];
}

/** Before the run: every path component of every destination that does not exist yet. */
export async function recordMountStubs(rootfs: string, destinations: string[]): Promise<StubRecord> {
  const stubs = new Map<string, Stub>();
  const parents = new Map<string, ParentTimes>();
  for (const dest of destinations) {
    const parts = dest.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const prefix = '/' + parts.slice(0, i).join('/');
      const host = await resolveInRoot(rootfs, prefix);
      if (!isInside(rootfs, host)) break;
      if (await exists(host)) continue;
      const parent = path.dirname(host);
      if (!stubs.has(parent) && !parents.has(parent)) {
        try {
          const st = await fs.stat(parent, { bigint: true });
          parents.set(parent, { hostPath: parent, mtimeNs: st.mtimeNs });
        } catch {
          // parent missing too: it is itself a stub recorded earlier
        }
      }
      for (let j = i; j <= parts.length; j++) {
        const p = await resolveInRoot(rootfs, '/' + parts.slice(0, j).join('/'));
        if (isInside(rootfs, p)) stubs.set(p, { hostPath: p, depth: j });
      }
      break;
    }
  }
  return { stubs: [...stubs.values()], parents: [...parents.values()] };
}

/**
 * After the run: remove the stubs that are still stubs (empty file, empty dir), deepest
 * first; anything the command put there stays. Then restore the parents' times so that
 * creating and removing the stub leaves no trace in the layer.
 */
export async function removeMountStubs(rec: StubRecord): Promise<string[]> {
  const removed: string[] = [];
  const order = [...rec.stubs].sort((a, b) => b.depth - a.depth || b.hostPath.length - a.hostPath.length);
  for (const s of order) {
    let st;
    try {
      st = await fs.lstat(s.hostPath);
    } catch {
      continue;
    }
    try {
      if (st.isDirectory()) await fs.rmdir(s.hostPath);
      else if (st.isFile() && st.size === 0) await fs.unlink(s.hostPath);
      else continue;
      removed.push(s.hostPath);
    } catch {
      // not empty: the command wrote there, keep it
    }
  }
  for (const p of rec.parents) {
    // node's utimes rounds to microseconds; touch sets the exact nanoseconds a differ compares
    const ns = p.mtimeNs;
    const stamp = `@${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
    await hostCommand('touch', ['-c', '-m', '-d', stamp, p.hostPath]).catch(() => undefined);
  }
  return removed;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
