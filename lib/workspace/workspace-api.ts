// What the /api/workspace route handlers do, without Next: each function takes the signed-in
// user's id and the request's input (already JSON-decoded), validates it with zod and returns
// { status, body }. The handlers in app/api/workspace only authenticate and call these.
import path from 'node:path';
import { z } from 'zod';
import { EngineError } from '../engine/errors.ts';
import type { Problem } from './dockerfile-problems.ts';
import { lintPool } from './lint-pool.ts';
import { normaliseRelative } from './safe-path.ts';
import { WorkspaceError } from './workspace-errors.ts';
import { deleteFile, listFiles, MAX_FILE_BYTES, readFile, writeFile } from './workspace-files.ts';
import { withWorkspaceLock } from './workspace-lifecycle.ts';
import { ensureWorkspace, resetWorkspace, type WorkspaceOptions } from './workspace.ts';

export type ApiResult = { status: number; body: unknown };

const relPath = z.string({ error: 'Give a file path, e.g. "app.py".' }).min(1, 'Give a file path, e.g. "app.py".').max(1024);
const content = z.string({ error: 'Send the file text as "content".' });

export const schemas = {
  read: z.object({ path: relPath }),
  write: z.object({ path: relPath, content, expectMtimeMs: z.number().finite().optional() }),
  create: z.object({ path: relPath, content: content.default('') }),
  remove: z.object({ path: relPath }),
  check: z.object({
    text: z.string({ error: 'Send the Dockerfile text as "text".' }).max(MAX_FILE_BYTES, 'Dockerfiles are checked up to 1 MiB.'),
    path: relPath.optional(),
  }),
};

export type { Problem } from './dockerfile-problems.ts';

function fail(status: number, code: string, message: string): ApiResult {
  return { status, body: { error: message, code } };
}

/** Maps anything thrown to a response; unknown errors become a 500 without internals. */
export function errorResult(err: unknown): ApiResult {
  if (err instanceof WorkspaceError) return fail(err.status, err.code, err.message);
  if (err instanceof z.ZodError) return fail(400, 'INVALID_INPUT', err.issues[0]?.message ?? 'Invalid request.');
  if (err instanceof EngineError && err.code === 'UNAVAILABLE') return fail(503, err.code, err.message);
  console.error('workspace api:', err);
  return fail(500, 'INTERNAL', 'Something went wrong on the server; try again.');
}

async function run(fn: () => Promise<ApiResult>): Promise<ApiResult> {
  try {
    return await fn();
  } catch (err) {
    return errorResult(err);
  }
}

export function listWorkspace(userId: string, opts: WorkspaceOptions = {}): Promise<ApiResult> {
  return run(async () => {
    const dir = await ensureWorkspace(userId, opts);
    return { status: 200, body: await listFiles(dir) };
  });
}

export function readWorkspaceFile(userId: string, input: unknown, opts: WorkspaceOptions = {}): Promise<ApiResult> {
  return run(async () => {
    const { path: rel } = schemas.read.parse(input);
    const dir = await ensureWorkspace(userId, opts);
    return { status: 200, body: await readFile(dir, rel) };
  });
}

export function writeWorkspaceFile(userId: string, input: unknown, opts: WorkspaceOptions = {}): Promise<ApiResult> {
  return run(async () => {
    const body = schemas.write.parse(input);
    const dir = await ensureWorkspace(userId, opts);
    const saved = await withWorkspaceLock(dir, () => writeFile(dir, body.path, body.content, { expectMtimeMs: body.expectMtimeMs }));
    return { status: 200, body: { path: saved.path, size: saved.size, mtimeMs: saved.mtimeMs } };
  });
}

export function createWorkspaceFile(userId: string, input: unknown, opts: WorkspaceOptions = {}): Promise<ApiResult> {
  return run(async () => {
    const body = schemas.create.parse(input);
    const dir = await ensureWorkspace(userId, opts);
    const saved = await withWorkspaceLock(dir, () => writeFile(dir, body.path, body.content, { create: true }));
    return { status: 201, body: { path: saved.path, size: saved.size, mtimeMs: saved.mtimeMs } };
  });
}

export function deleteWorkspaceFile(userId: string, input: unknown, opts: WorkspaceOptions = {}): Promise<ApiResult> {
  return run(async () => {
    const { path: rel } = schemas.remove.parse(input);
    const dir = await ensureWorkspace(userId, opts);
    await withWorkspaceLock(dir, () => deleteFile(dir, rel));
    return { status: 200, body: { deleted: rel } };
  });
}

export function resetUserWorkspace(userId: string, opts: WorkspaceOptions = {}): Promise<ApiResult> {
  return run(async () => {
    const dir = await resetWorkspace(userId, opts);
    return { status: 200, body: await listFiles(dir) };
  });
}

/**
 * Parser errors and check findings for the Dockerfile text in the editor (not yet saved). The
 * workspace is the build context, so the context rules (MissingDockerignore, CopyIgnoredFile,
 * a .env copied by COPY . .) see the student's real files.
 */
export function checkWorkspaceDockerfile(userId: string, input: unknown, opts: WorkspaceOptions = {}): Promise<ApiResult> {
  return run(async () => {
    const body = schemas.check.parse(input);
    const dir = await ensureWorkspace(userId, opts);
    const rel = body.path ?? 'Dockerfile';
    const file = path.posix.basename(rel);
    const problems: Problem[] = [];
    let ignoreText: string | null | undefined;
    try {
      ignoreText = await readIgnoreFile(dir, normaliseRelative(rel));
    } catch (err) {
      // A broken .dockerignore is itself worth a marker; the Dockerfile is still checked.
      if (!(err instanceof EngineError || err instanceof WorkspaceError)) throw err;
      problems.push({ line: 1, endLine: 1, severity: 'warning', rule: err.code, message: `Build context: ${err.message}` });
    }
    // Parsing and checking run in a worker thread with a time and memory cap (lint-pool.ts).
    const job = { text: body.text, file, ...(ignoreText === undefined ? {} : { contextDir: dir, ignoreText }) };
    try {
      problems.push(...(await lintPool().run(job)));
    } catch (err) {
      if (!(err instanceof EngineError) || err.code !== 'RESOURCE_LIMIT') throw err;
      problems.push({ line: 1, endLine: 1, severity: 'error', rule: err.code, message: err.message });
    }
    problems.sort((a, b) => a.line - b.line);
    // Messages name the context by its host path; the student knows it as /workspace.
    for (const p of problems) p.message = p.message.split(dir).join(WORKSPACE_MOUNT);
    return { status: 200, body: { problems } };
  });
}

/** Where the terminal's sandbox mounts the workspace; used in messages instead of host paths. */
export const WORKSPACE_MOUNT = '/workspace';

/**
 * The ignore file the builder would use (`<Dockerfile>.dockerignore` first, then
 * `.dockerignore`), read through the path-safe file API (a link out of the workspace is
 * refused), or null when there is none.
 */
async function readIgnoreFile(dir: string, dockerfileRel: string): Promise<string | null> {
  for (const name of [`${dockerfileRel}.dockerignore`, '.dockerignore']) {
    try {
      return (await readFile(dir, name)).content;
    } catch (err) {
      if (!(err instanceof WorkspaceError) || err.code !== 'NOT_FOUND') throw err;
    }
  }
  return null;
}
