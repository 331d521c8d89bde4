// Start-up sweep: removes what a killed process left (mounts, active dirs, half-extracted
// layers) but never what another live process is using, by the pid recorded beside it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { unmountAllUnder } from './mounts.ts';

/** True when `pid` is no running process, or is this process (a new instance abandons the old). */
export function ownerGone(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Temp names carry the owner's pid: ".tmp-<pid>-<random>". */
export function tempName(random: string): string {
  return `.tmp-${process.pid}-${random}`;
}

export async function writeOwner(dir: string): Promise<void> {
  await fs.writeFile(path.join(dir, 'owner'), String(process.pid));
}

/** Sweeps active/<id> dirs whose owner is gone (unmounting first). Returns the ids removed. */
export async function sweepActive(activeDir: string): Promise<string[]> {
  await fs.mkdir(activeDir, { recursive: true });
  const removed: string[] = [];
  for (const id of await fs.readdir(activeDir)) {
    const dir = path.join(activeDir, id);
    const pid = Number(await fs.readFile(path.join(dir, 'owner'), 'utf8').catch(() => '0'));
    if (!ownerGone(pid)) continue;
    await unmountAllUnder(dir);
    await fs.rm(dir, { recursive: true, force: true });
    removed.push(id);
  }
  return removed;
}

/** Removes ".tmp-<pid>-*" entries of `dir` whose owner is gone. */
export async function sweepTemps(dir: string): Promise<void> {
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const m = /^\.tmp-(\d+)-/.exec(name);
    if (name.startsWith('.tmp-') && (!m || ownerGone(Number(m[1])))) await fs.rm(path.join(dir, name), { recursive: true, force: true });
  }
}
