// The file API behind the editor: list, read, write, create and delete files in a workspace.
// Every path goes through safe-path.ts; writes are atomic (temp file + rename) and size-limited.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { openForRead, withResolved, type ResolvedPath } from './safe-path.ts';
import { WorkspaceError } from './workspace-errors.ts';

export const MAX_FILE_BYTES = 1024 * 1024;
/** Folders listed as one collapsed entry with their total size, never walked into. */
export const HEAVY_DIRS = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__']);
export const MAX_LIST_ENTRIES = 2000;

export type FileEntry = {
  /** Relative path with "/" ("src/app.py"). */
  path: string;
  type: 'file' | 'dir' | 'symlink';
  /** Bytes (for a collapsed folder: everything inside it). */
  size: number;
  /** A heavy folder (.git, node_modules...) shown without its contents. */
  collapsed?: boolean;
  /** The folder was too big to count fully: size is a lower bound. */
  sizeAtLeast?: boolean;
};

export type FileContent = { path: string; content: string; size: number; mtimeMs: number };

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/** Entries counted per heavy folder; past that its size is a lower bound (a huge node_modules). */
export const MAX_SIZE_ENTRIES = 20_000;

/** Total size of a tree (files only), not following links, within an entry budget. */
async function treeSize(dir: string, budget = { left: MAX_SIZE_ENTRIES }): Promise<{ bytes: number; complete: boolean }> {
  let bytes = 0;
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (--budget.left < 0) return { bytes, complete: false };
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const sub = await treeSize(p, budget);
      bytes += sub.bytes;
      if (!sub.complete) return { bytes, complete: false };
    } else if (e.isFile()) bytes += (await fs.lstat(p).catch(() => ({ size: 0 }))).size;
  }
  return { bytes, complete: true };
}

/** Everything in the workspace, sorted by path; heavy folders collapsed; links not followed. */
export async function listFiles(root: string, opts: { sizeBudget?: number } = {}): Promise<{ entries: FileEntry[]; truncated: boolean }> {
  const entries: FileEntry[] = [];
  let truncated = false;
  async function walk(abs: string, rel: string): Promise<void> {
    const items = (await fs.readdir(abs, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of items) {
      if (entries.length >= MAX_LIST_ENTRIES) {
        truncated = true;
        return;
      }
      const p = rel ? `${rel}/${d.name}` : d.name;
      const full = path.join(abs, d.name);
      if (d.isSymbolicLink()) entries.push({ path: p, type: 'symlink', size: 0 });
      else if (d.isDirectory() && HEAVY_DIRS.has(d.name)) {
        const { bytes, complete } = await treeSize(full, { left: opts.sizeBudget ?? MAX_SIZE_ENTRIES });
        entries.push({ path: p, type: 'dir', size: bytes, collapsed: true, ...(complete ? {} : { sizeAtLeast: true }) });
      }
      else if (d.isDirectory()) {
        entries.push({ path: p, type: 'dir', size: 0 });
        await walk(full, p);
      } else if (d.isFile()) entries.push({ path: p, type: 'file', size: (await fs.lstat(full)).size });
    }
  }
  await walk(await fs.realpath(root), '');
  return { entries, truncated };
}

function decodeText(buf: Buffer, rel: string): string {
  if (buf.subarray(0, 8000).includes(0)) throw new WorkspaceError('BINARY', `"${rel}" is a binary file; the editor opens text files only.`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new WorkspaceError('BINARY', `"${rel}" is not UTF-8 text; the editor opens text files only.`);
  }
}

export async function readFile(root: string, rel: string): Promise<FileContent> {
  return withResolved(root, rel, {}, async (r) => {
    const fh = await openForRead(root, r);
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw new WorkspaceError('NOT_A_FILE', `"${r.rel}" is a folder, not a file.`);
      if (!st.isFile()) throw new WorkspaceError('NOT_A_FILE', `"${r.rel}" is not a regular file.`);
      if (st.size > MAX_FILE_BYTES) throw new WorkspaceError('TOO_LARGE', `"${r.rel}" is ${st.size} bytes; the editor opens files up to 1 MiB.`);
      const buf = Buffer.alloc(MAX_FILE_BYTES + 1);
      let n = 0;
      for (;;) {
        const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
        if (bytesRead === 0) break;
        n += bytesRead;
        if (n > MAX_FILE_BYTES) throw new WorkspaceError('TOO_LARGE', `"${r.rel}" is larger than 1 MiB; the editor opens files up to 1 MiB.`);
      }
      return { path: r.rel, content: decodeText(buf.subarray(0, n), r.rel), size: n, mtimeMs: st.mtimeMs };
    } finally {
      await fh.close();
    }
  });
}

export type WriteOptions = {
  /** Fail with CONFLICT when the file's mtime is no longer this (changed in the shell meanwhile). */
  expectMtimeMs?: number;
  /** create: the file must not exist yet (and missing folders are made). */
  create?: boolean;
};

/** Writes a text file atomically: a temp file beside it, then rename over the old one. */
export async function writeFile(root: string, rel: string, content: string, opts: WriteOptions = {}): Promise<FileContent> {
  const size = Buffer.byteLength(content, 'utf8');
  if (size > MAX_FILE_BYTES) throw new WorkspaceError('TOO_LARGE', `The file would be ${size} bytes; files saved from the editor are limited to 1 MiB.`);
  try {
    return await withResolved(root, rel, { createParents: opts.create }, (r) => writeResolved(r, content, size, opts));
  } catch (err) {
    if (errno(err) === 'ENOTDIR' || errno(err) === 'EEXIST') throw new WorkspaceError('NOT_A_FILE', `A file is in the way of the folders in "${rel}".`);
    throw err;
  }
}

async function writeResolved(r: ResolvedPath, content: string, size: number, opts: WriteOptions): Promise<FileContent> {
  let mode = 0o644;
  const old = await fs.lstat(r.abs).catch(() => undefined);
  if (old) {
    if (opts.create) throw new WorkspaceError('ALREADY_EXISTS', `"${r.rel}" already exists.`);
    if (old.isSymbolicLink()) throw new WorkspaceError('NOT_A_FILE', `"${r.rel}" is a symbolic link; edit the file it points to instead.`);
    if (!old.isFile()) throw new WorkspaceError('NOT_A_FILE', `"${r.rel}" is a folder, not a file.`);
    if (opts.expectMtimeMs !== undefined && old.mtimeMs !== opts.expectMtimeMs) {
      throw new WorkspaceError('CONFLICT', `"${r.rel}" changed on disk since you opened it (in the terminal?). Reload it, or save again to overwrite.`);
    }
    mode = old.mode & 0o7777;
  } else if (opts.expectMtimeMs !== undefined) {
    throw new WorkspaceError('CONFLICT', `"${r.rel}" was deleted since you opened it. Save again to create it.`);
  }
  const tmp = path.join(r.parent, `.${path.basename(r.abs)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeFile(tmp, content, { flag: 'wx', mode });
    await fs.chmod(tmp, mode);
    if (opts.create) {
      // link() fails if the name was taken meanwhile, so create never overwrites.
      await fs.link(tmp, r.abs).catch((err) => {
        if (errno(err) === 'EEXIST') throw new WorkspaceError('ALREADY_EXISTS', `"${r.rel}" already exists.`);
        throw err;
      });
      await fs.unlink(tmp);
    } else {
      await fs.rename(tmp, r.abs);
    }
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  const st = await fs.lstat(r.abs);
  return { path: r.rel, content, size, mtimeMs: st.mtimeMs };
}

/** Deletes one file or symbolic link (never a folder). */
export async function deleteFile(root: string, rel: string): Promise<void> {
  await withResolved(root, rel, {}, async (r) => {
    const st = await fs.lstat(r.abs).catch(() => undefined);
    if (!st) throw new WorkspaceError('NOT_FOUND', `"${r.rel}" does not exist in your workspace.`);
    if (st.isDirectory()) throw new WorkspaceError('NOT_A_FILE', `"${r.rel}" is a folder; delete folders in the terminal (rm -r).`);
    await fs.unlink(r.abs);
  });
}
