// Reading one small file of the context (the Dockerfile, .dockerignore) without leaving the root:
// the path is resolved like a COPY source (symlinks followed only while they stay inside), the
// last hop is opened with O_NOFOLLOW|O_NONBLOCK (a fifo never blocks), and only a regular file
// of at most maxBytes is read. Errors name the relative path only, never the host directory.
import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import { EngineError, ErrorCodes } from '../errors.ts';
import { resolveInside } from './resolve-source.ts';

export type InsideRead =
  | { kind: 'file'; text: string }
  | { kind: 'missing' }
  | { kind: 'not-regular' }
  | { kind: 'too-big'; size: number };

/**
 * Reads `rel` under `root`. A symlink that leads outside throws CONTEXT_ESCAPE (the caller may
 * reword it); every other outcome is returned so that each caller words its own message.
 */
export async function readInside(root: string, rel: string, maxBytes: number): Promise<InsideRead> {
  const r = await resolveInside(root, rel, rel, {});
  if (!r.exists) return { kind: 'missing' };
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(r.abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new EngineError(ErrorCodes.CONTEXT_ESCAPE, `${rel} changed into a symbolic link while it was read`);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'not-regular' };
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { kind: 'not-regular' };
    if (st.size > maxBytes) return { kind: 'too-big', size: st.size };
    const buf = Buffer.alloc(st.size);
    const { bytesRead } = await fh.read(buf, 0, st.size, 0);
    return { kind: 'file', text: buf.subarray(0, bytesRead).toString('utf8') };
  } finally {
    await fh.close();
  }
}
