// Cross-process leases of "I am writing blobs that nothing references yet": a build, a pull or a
// load holds one (a file <store>/leases/<pid>-<random>) from its first blob until its image or
// cache record is stored. Garbage collection spares young blobs only while a live lease exists,
// so `builder prune` right after a build reclaims what it removed at once, yet never deletes
// the fresh layers of a build still running in this or another process on the same store.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { processAlive } from '../process-alive.ts';

const dirOf = (storeRoot: string) => path.join(storeRoot, 'leases');

/** Takes a lease; the returned function ends it (safe to call twice). */
export async function takeWriteLease(storeRoot: string): Promise<() => Promise<void>> {
  const dir = dirOf(storeRoot);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${process.pid}-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(file, '', { flag: 'wx', mode: 0o600 });
  let ended = false;
  return async () => {
    if (ended) return;
    ended = true;
    await fs.rm(file, { force: true });
  };
}

/** Runs `fn` under a lease. */
export async function withWriteLease<T>(storeRoot: string, fn: () => Promise<T>): Promise<T> {
  const end = await takeWriteLease(storeRoot);
  try {
    return await fn();
  } finally {
    await end();
  }
}

/** Number of leases held by live processes; those of dead processes are removed. */
export async function liveWriteLeases(storeRoot: string): Promise<number> {
  const names = await fs.readdir(dirOf(storeRoot)).catch(() => [] as string[]);
  let live = 0;
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (Number.isSafeInteger(pid) && pid > 0 && processAlive(pid)) live++;
    else await fs.rm(path.join(dirOf(storeRoot), name), { force: true });
  }
  return live;
}
