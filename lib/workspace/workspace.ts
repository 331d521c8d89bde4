/**
 * Student workspaces: one persistent directory per user, holding the lesson's project.
 *
 * Terms
 *   workspace     `$LAB_DATA_DIR/workspaces/<userId>`: the folder the student builds from. The
 *                 terminal's sandbox binds it at /workspace (the only writable place there),
 *                 the editor reads and writes it through the file API below, and web builds use
 *                 it as their build context. It survives restarts and sign-out: it is plain
 *                 files on disk, never deleted except by a reset.
 *   starter       content/workspace/starter: a small Python web app (app.py, requirements.txt),
 *                 a Dockerfile written the slow way (COPY . . before the install) and stand-in
 *                 scripts for pip and python, because busybox — the only base image offline —
 *                 has neither. No .dockerignore: writing one is lesson step 1.
 *   junk          The clutter of step 1 (.git ~12 MB, node_modules with hundreds of small files,
 *                 .venv, app.log, a .env with a fake credential). Generated at creation from
 *                 content/workspace/junk.json by junk-generator.ts, seeded, so every workspace
 *                 gets the same bytes without megabytes in the repository.
 *   heavy folder  .git, node_modules, .venv...: the file list shows them as one collapsed entry
 *                 with their size instead of thousands of files.
 *
 * Lifecycle
 *   ensureWorkspace(userId)  -> dir   first use: starter + junk built in `.new-<id>-*` beside it,
 *                                     then renamed into place (atomic; a crash leaves only a
 *                                     temp dir, swept on the next call). Later calls: no-op.
 *   read / write / create / delete    through workspace-files.ts: paths are relative, checked
 *                                     against ".." and symlinks leading out (safe-path.ts);
 *                                     text only, 1 MiB max; writes go to a temp file and are
 *                                     renamed over the old one (atomic, mode kept).
 *   resetWorkspace(userId)   -> dir   a fresh tree is built first, then swapped in entry by
 *                                     entry under the same directory (which a running shell has
 *                                     bind-mounted), then the old files are deleted.
 *   Saves and resets of one workspace are serialised in this process (withWorkspaceLock).
 *
 * The route handlers in app/api/workspace are thin: their logic is workspace-api.ts.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { WorkspaceError } from './workspace-errors.ts';
import { createIfMissing, loadStarter, resetDir, type StarterSource } from './workspace-lifecycle.ts';

export { WorkspaceError, WORKSPACE_ERROR_STATUS, type WorkspaceErrorCode } from './workspace-errors.ts';
export { listFiles, readFile, writeFile, deleteFile, MAX_FILE_BYTES, HEAVY_DIRS, type FileEntry, type FileContent } from './workspace-files.ts';
export { withWorkspaceLock, loadStarter, type StarterSource } from './workspace-lifecycle.ts';

/** The environment variables the workspace reads (process.env by default). */
export type WorkspaceEnv = Record<string, string | undefined>;

/** `$LAB_DATA_DIR/workspaces` (default ./data/workspaces), absolute. */
export function workspacesRoot(env: WorkspaceEnv = process.env): string {
  return path.resolve(env.LAB_DATA_DIR || 'data', 'workspaces');
}

const USER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Absolute path of a user's workspace (it may not exist yet). */
export function workspaceDir(userId: string, env: WorkspaceEnv = process.env): string {
  if (!USER_ID.test(userId)) throw new WorkspaceError('INVALID_INPUT', `"${userId}" is not a valid user id for a workspace.`);
  return path.join(workspacesRoot(env), userId);
}

export type WorkspaceOptions = { env?: WorkspaceEnv; starter?: StarterSource };

/** The user's workspace, created from the starter files when missing. Returns its absolute path. */
export async function ensureWorkspace(userId: string, opts: WorkspaceOptions = {}): Promise<string> {
  const dir = workspaceDir(userId, opts.env);
  // The common case (it exists) costs one stat; creation re-checks under the lock.
  if (await fs.stat(dir).then((s) => s.isDirectory(), () => false)) return dir;
  await createIfMissing(dir, opts.starter ?? (await loadStarter()));
  return dir;
}

/** Puts the starter files back (the student's changes are lost). Returns the path. */
export async function resetWorkspace(userId: string, opts: WorkspaceOptions = {}): Promise<string> {
  const dir = workspaceDir(userId, opts.env);
  await resetDir(dir, opts.starter ?? (await loadStarter()));
  return dir;
}
