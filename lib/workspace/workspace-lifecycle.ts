// Creating and resetting workspaces on disk. A new tree is always built in a temp directory
// beside the workspaces (same filesystem) and then renamed into place, so a workspace is never
// seen half-made, even if the server dies in the middle.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { serialisedByFile } from '../engine/content-store/file-queue.ts';
import { generateJunk, junkSpecSchema, type JunkSpec } from './junk-generator.ts';

export type StarterSource = {
  /** Folder copied as is (content/workspace/starter). */
  starterDir: string;
  /** The junk spec (content/workspace/junk.json), or null for none. */
  junk: JunkSpec | null;
};

/** content/workspace: the starter files and junk.json. */
export function defaultContentDir(): string {
  return path.join(process.cwd(), 'content', 'workspace');
}

export async function loadStarter(contentDir = defaultContentDir()): Promise<StarterSource> {
  const junkText = await fs.readFile(path.join(contentDir, 'junk.json'), 'utf8').catch(() => null);
  return { starterDir: path.join(contentDir, 'starter'), junk: junkText === null ? null : junkSpecSchema.parse(JSON.parse(junkText)) };
}

/** One queue per workspace so that a reset and a save from the same server never interleave
 *  (the engine's per-path queue, keyed by the workspace directory). */
export function withWorkspaceLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  return serialisedByFile(dir, fn);
}

/** Builds a fresh starter tree in a new temp dir next to `dir` and returns its path. */
async function buildFresh(dir: string, src: StarterSource): Promise<string> {
  const parent = path.dirname(dir);
  await fs.mkdir(parent, { recursive: true });
  const tmp = path.join(parent, `.new-${path.basename(dir)}-${randomBytes(6).toString('hex')}`);
  await fs.mkdir(tmp, { mode: 0o755 });
  try {
    await fs.cp(src.starterDir, tmp, { recursive: true, preserveTimestamps: false });
    if (src.junk) await generateJunk(tmp, src.junk);
    return tmp;
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Temp trees left by a crash in the middle of a create or reset. Only old ones: a young one
 * may be another process building right now (the server and Next's route handlers each load
 * this module, so the in-process lock does not cover both).
 */
export const LEFTOVER_AGE_MS = 10 * 60_000;

async function sweepLeftovers(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  const names = await fs.readdir(parent).catch(() => [] as string[]);
  const now = Date.now();
  await Promise.all(
    names
      .filter((n) => n.startsWith(`.new-${base}-`) || n.startsWith(`.old-${base}-`))
      .map(async (n) => {
        const st = await fs.lstat(path.join(parent, n)).catch(() => undefined);
        if (st && now - st.mtimeMs > LEFTOVER_AGE_MS) await fs.rm(path.join(parent, n), { recursive: true, force: true });
      }),
  );
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}

/** Creates `dir` from the starter when it does not exist. Returns true when it was created. */
export async function createIfMissing(dir: string, src: StarterSource): Promise<boolean> {
  return withWorkspaceLock(dir, async () => {
    if (await exists(dir)) return false;
    await sweepLeftovers(dir);
    const fresh = await buildFresh(dir, src);
    try {
      await fs.rename(fresh, dir);
      return true;
    } catch (err) {
      await fs.rm(fresh, { recursive: true, force: true });
      // Another process created it first: theirs is as good as ours.
      if (['EEXIST', 'ENOTEMPTY'].includes((err as NodeJS.ErrnoException).code ?? '')) return false;
      throw err;
    }
  });
}

/**
 * Puts the starter files back. The workspace directory itself stays (the terminal's sandbox
 * has it bind-mounted at /workspace, and a new directory would be invisible to a running
 * shell); its contents are swapped: the fresh tree is made first, then every old top-level
 * entry is moved aside and every new one moved in (renames on one filesystem, milliseconds),
 * then the old entries are deleted.
 */
export async function resetDir(dir: string, src: StarterSource): Promise<void> {
  await withWorkspaceLock(dir, async () => {
    await sweepLeftovers(dir);
    const fresh = await buildFresh(dir, src);
    if (!(await exists(dir))) {
      await fs.rename(fresh, dir);
      return;
    }
    const trash = path.join(path.dirname(dir), `.old-${path.basename(dir)}-${randomBytes(6).toString('hex')}`);
    await fs.mkdir(trash);
    for (const name of await fs.readdir(dir)) await fs.rename(path.join(dir, name), path.join(trash, name));
    for (const name of await fs.readdir(fresh)) await fs.rename(path.join(fresh, name), path.join(dir, name));
    await fs.chmod(dir, 0o755);
    await fs.rmdir(fresh);
    await fs.rm(trash, { recursive: true, force: true });
  });
}
