// A hard size limit for a directory that a fast writer cannot outrun: the directory is the
// mount point of an ext4 filesystem in a sparse image file (mount -o loop), so the kernel
// answers ENOSPC at the limit, during the write. The root fs here is ext4 without project
// quotas, which would be the other way. Measured on this machine: mkfs of a 1 GiB sparse
// image ~10 ms, mount ~10 ms, umount ~0.2 s; the image takes only the blocks written.
import fs from 'node:fs/promises';
import { EngineError, ErrorCodes } from '../errors.ts';
import { hostCommand } from './host-command.ts';

/** Creates (replacing) a sparse image of `bytes` with an empty ext4 (no journal, no reserve). */
export async function makeQuotaImage(file: string, bytes: number): Promise<void> {
  await fs.rm(file, { force: true });
  const h = await fs.open(file, 'wx', 0o600);
  await h.truncate(Math.max(8 * 1024 * 1024, Math.floor(bytes)));
  await h.close();
  // one inode per 8 KiB: package trees are many small files
  const r = await hostCommand('mkfs.ext4', ['-q', '-F', '-O', '^has_journal', '-m', '0', '-i', '8192', '-E', 'lazy_itable_init=1,nodiscard', file]);
  if (r.code !== 0) throw hostFailure('make', r.stderr);
}

/** Mounts the image on `dir` (nosuid,nodev); the loop device goes away with the umount. */
export async function mountQuotaImage(file: string, dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const r = await hostCommand('mount', ['-t', 'ext4', '-o', 'loop,nosuid,nodev,noatime', file, dir]);
  if (r.code !== 0) throw hostFailure('mount', r.stderr);
}

/** The student sees what failed, never the host paths in the tool's output (logged for the operator). */
function hostFailure(verb: string, stderr: string): EngineError {
  console.error(`quota-fs: ${verb} failed: ${stderr.trim()}`);
  return new EngineError(ErrorCodes.UNAVAILABLE, `the builder cannot ${verb} the size-limited filesystem for this step (needs root, mkfs.ext4 and loop devices); ask the lab's operator`);
}

/** A fresh size-limited directory at `dir`, backed by `file`. */
export async function quotaDir(file: string, dir: string, bytes: number): Promise<void> {
  await makeQuotaImage(file, bytes);
  await mountQuotaImage(file, dir);
}

/** True when `dir` is on a size-limited fs (at most `maxBytes`) with (almost) no room left. */
export async function quotaFull(dir: string, maxBytes = Infinity): Promise<boolean> {
  const st = await fs.statfs(dir).catch(() => undefined);
  if (!st || Number(st.blocks) * Number(st.bsize) > maxBytes) return false;
  const freeBytes = Number(st.bavail) * Number(st.bsize);
  return freeBytes < 4 * 1024 * 1024 || Number(st.ffree) === 0;
}
