// mount(8)/umount(8) for OverlayFS, and the sweep of mounts a killed process left behind.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { EngineError } from '../errors.ts';

const execFileP = promisify(execFile);

/** The kernel copies mount options into one page; stay a little below it. */
export const MAX_MOUNT_OPTIONS = 4096 - 64;
/** OverlayFS refuses more lower layers than this (OVL_MAX_STACK). */
export const MAX_LOWER_LAYERS = 500;

export interface OverlayMount {
  /** lowerdir entries relative to `cwd`, top-most first */
  lowers: string[];
  upper: string;
  work: string;
  target: string;
  /** mount(8) runs here, so relative paths in the options resolve against it */
  cwd: string;
}

export function overlayOptions(m: OverlayMount): string {
  return `lowerdir=${m.lowers.join(':')},upperdir=${m.upper},workdir=${m.work},index=off,redirect_dir=off,metacopy=off`;
}

export async function mountOverlay(m: OverlayMount): Promise<void> {
  if (m.lowers.length > MAX_LOWER_LAYERS) {
    throw new EngineError('SNAPSHOT_ERROR', `an image with ${m.lowers.length} layers is more than OverlayFS can stack (${MAX_LOWER_LAYERS}); squash some steps (combine RUN lines)`);
  }
  const options = overlayOptions(m);
  if (options.length > MAX_MOUNT_OPTIONS) {
    throw new EngineError('SNAPSHOT_ERROR', `${m.lowers.length} layers make the overlay mount options ${options.length} bytes, above the kernel's ${MAX_MOUNT_OPTIONS}; squash some steps (combine RUN lines)`);
  }
  try {
    await execFileP('mount', ['-t', 'overlay', 'overlay', '-o', options, m.target], { cwd: m.cwd });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new EngineError('SNAPSHOT_ERROR', `OverlayFS mount failed: ${(e.stderr || e.message).trim()} (needs root and a kernel with overlay; the copy snapshotter works without)`, { cause: err });
  }
}

/** Unmounts; retries, then detaches lazily so a busy mount never survives a release. */
export async function unmount(target: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!(await isMountPoint(target))) return;
    try {
      await execFileP('umount', [target]);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    }
  }
  if (await isMountPoint(target)) await execFileP('umount', ['-l', target]);
}

function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points from /proc/self/mountinfo. */
export async function listMountPoints(): Promise<string[]> {
  const text = await fs.readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => unescapeMountinfo(line.split(' ')[4]));
}

export async function isMountPoint(target: string): Promise<boolean> {
  const abs = path.resolve(target);
  return (await listMountPoints()).includes(abs);
}

/** Unmounts everything at or below `dir` (deepest first); returns what it unmounted. */
export async function unmountAllUnder(dir: string): Promise<string[]> {
  const abs = path.resolve(dir);
  const found = (await listMountPoints()).filter((m) => m === abs || m.startsWith(`${abs}/`));
  found.sort((a, b) => b.length - a.length);
  for (const m of found) await unmount(m);
  return found;
}
