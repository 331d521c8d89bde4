// Path safety for the file API: a student's relative path must name something inside their
// workspace, and must stay inside even after symbolic links (which the shell can create) are
// followed. Relative paths use "/" and never contain "..".
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
  /** Real (symlink-free) path of the parent directory, inside the workspace. */
  parent: string;
  /** parent + basename: the path to operate on (the last component is not followed). */
  abs: string;
};

/**
 * Resolves `rel` inside `root`: the parent directory is resolved with realpath and must be
 * inside the workspace (a symlinked directory pointing elsewhere is refused). The last
 * component is left as is; callers decide what to do when it is a link (readTarget()).
 */
export async function resolveInside(root: string, rel: string, opts: { createParents?: boolean } = {}): Promise<ResolvedPath> {
  const norm = normaliseRelative(rel);
  const realRoot = await fs.realpath(root);
  const parentRel = path.posix.dirname(norm);
  const wanted = parentRel === '.' ? realRoot : path.join(realRoot, ...parentRel.split('/'));
  if (opts.createParents) await mkdirInside(realRoot, parentRel);
  let parent: string;
  try {
    parent = await fs.realpath(wanted);
  } catch {
    throw new WorkspaceError('NOT_FOUND', `The folder "${parentRel}" does not exist in your workspace.`);
  }
  if (!isInside(realRoot, parent)) throw new WorkspaceError('INVALID_PATH', `"${norm}" leads outside your workspace through a symbolic link.`);
  const st = await fs.stat(parent);
  if (!st.isDirectory()) throw new WorkspaceError('NOT_A_FILE', `"${parentRel}" is a file, not a folder.`);
  return { rel: norm, parent, abs: path.join(parent, path.posix.basename(norm)) };
}

/** The real path a read should open: follows a final symlink only when it stays inside. */
export async function readTarget(root: string, r: ResolvedPath): Promise<string> {
  let real: string;
  try {
    real = await fs.realpath(r.abs);
  } catch {
    throw new WorkspaceError('NOT_FOUND', `"${r.rel}" does not exist in your workspace.`);
  }
  if (!isInside(await fs.realpath(root), real)) throw new WorkspaceError('INVALID_PATH', `"${r.rel}" is a symbolic link to a file outside your workspace.`);
  return real;
}

// mkdir -p one component at a time, refusing to walk through links that leave the workspace.
async function mkdirInside(realRoot: string, parentRel: string): Promise<void> {
  if (parentRel === '.') return;
  let cur = realRoot;
  for (const part of parentRel.split('/')) {
    const next = path.join(cur, part);
    try {
      await fs.mkdir(next);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const real = await fs.realpath(next);
    if (!isInside(realRoot, real)) throw new WorkspaceError('INVALID_PATH', `"${parentRel}" leads outside your workspace through a symbolic link.`);
    cur = real;
  }
}
