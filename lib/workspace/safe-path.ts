// Path safety for the file API: a student's relative path must name something inside their
// workspace, and must stay inside even after symbolic links (which the shell can create) are
// followed. Relative paths use "/" and never contain "..".
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { WorkspaceError } from './workspace-errors.ts';

export const MAX_PATH_LENGTH = 1024;

/** Checks and normalises a workspace-relative path ("src/app.py"); throws INVALID_PATH. */
export function normaliseRelative(rel: string): string {
  if (typeof rel !== 'string' || rel.length === 0) throw new WorkspaceError('INVALID_PATH', 'Give a file path, e.g. "app.py".');
  if (rel.length > MAX_PATH_LENGTH) throw new WorkspaceError('INVALID_PATH', `File paths are limited to ${MAX_PATH_LENGTH} characters.`);
  if (rel.includes('\0') || rel.includes('\\')) throw new WorkspaceError('INVALID_PATH', `"${rel}" contains a character file paths cannot hold here.`);
  if (rel.startsWith('/')) throw new WorkspaceError('INVALID_PATH', `"${rel}" is absolute; give a path relative to your workspace, e.g. "app.py".`);
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw new WorkspaceError('INVALID_PATH', `"${rel}" points outside your workspace ("..").`);
  if (parts.length === 0) throw new WorkspaceError('INVALID_PATH', 'Give a file path, e.g. "app.py".');
  return parts.join('/');
}

function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root + path.sep);
}

export type ResolvedPath = {
  /** Normalised relative path as given. */
  rel: string;
  /** The parent directory, pinned: `/proc/self/fd/N` of an open handle on it (see below). */
  parent: string;
  /** parent + basename: the path to operate on (the last component is not followed). */
  abs: string;
};

// The shell can rename folders and plant symlinks at any moment, and the server writes as
// root, so a path checked first and used later could be swapped for a link in between. Each
// operation therefore opens the parent folder once, checks where that open folder really is
// (/proc/self/fd/N names the inode, whatever happens to the path afterwards), and then works
// only through that handle.
const PROC_FD = '/proc/self/fd';

/**
 * Runs `fn` with `rel` resolved inside `root`: the parent folder must be inside the workspace
 * (a symlinked folder pointing elsewhere is refused). The last component is left as is;
 * callers decide what to do when it is a link (openForRead()).
 */
export async function withResolved<T>(root: string, rel: string, opts: { createParents?: boolean }, fn: (r: ResolvedPath) => Promise<T>): Promise<T> {
  const norm = normaliseRelative(rel);
  const realRoot = await fs.realpath(root);
  const parentRel = path.posix.dirname(norm);
  const wanted = parentRel === '.' ? realRoot : path.join(realRoot, ...parentRel.split('/'));
  if (opts.createParents) await mkdirInside(realRoot, parentRel);
  let dir: fs.FileHandle;
  try {
    dir = await fs.open(wanted, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new WorkspaceError('NOT_A_FILE', `"${parentRel}" is a file, not a folder.`);
    throw new WorkspaceError('NOT_FOUND', `The folder "${parentRel}" does not exist in your workspace.`);
  }
  try {
    const pinned = `${PROC_FD}/${dir.fd}`;
    const where = await fs.readlink(pinned).catch(() => null);
    // Without /proc (not Linux) fall back to the checked real path.
    const real = where ?? (await fs.realpath(wanted));
    if (!isInside(realRoot, real)) throw new WorkspaceError('INVALID_PATH', `"${norm}" leads outside your workspace through a symbolic link.`);
    const parent = where ? pinned : real;
    return await fn({ rel: norm, parent, abs: path.join(parent, path.posix.basename(norm)) });
  } finally {
    await dir.close();
  }
}

/** Opens a file to read: follows a final symlink only when the file it reaches is inside. */
export async function openForRead(root: string, r: ResolvedPath): Promise<fs.FileHandle> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(r.abs, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw new WorkspaceError('NOT_A_FILE', `"${r.rel}" is a folder, not a file.`);
    throw new WorkspaceError('NOT_FOUND', `"${r.rel}" does not exist in your workspace.`);
  }
  const where = await fs.readlink(`${PROC_FD}/${fh.fd}`).catch(() => null);
  const real = where ?? (await fs.realpath(r.abs).catch(() => ''));
  if (!isInside(await fs.realpath(root), real)) {
    await fh.close();
    throw new WorkspaceError('INVALID_PATH', `"${r.rel}" is a symbolic link to a file outside your workspace.`);
  }
  return fh;
}

// mkdir -p one component at a time, each inside a folder opened and checked first (as above).
async function mkdirInside(realRoot: string, parentRel: string): Promise<void> {
  if (parentRel === '.') return;
  let cur = realRoot;
  for (const part of parentRel.split('/')) {
    const dir = await fs.open(cur, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY);
    try {
      const pinned = `${PROC_FD}/${dir.fd}`;
      const viaProc = await fs.readlink(pinned).catch(() => null);
      const where = viaProc ?? (await fs.realpath(cur));
      if (!isInside(realRoot, where)) throw new WorkspaceError('INVALID_PATH', `"${parentRel}" leads outside your workspace through a symbolic link.`);
      await fs.mkdir(path.join(viaProc ? pinned : cur, part)).catch((err) => {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      });
      cur = path.join(where, part);
    } finally {
      await dir.close();
    }
  }
}
