// What the /api/workspace route handlers do, without Next: each function takes the signed-in
// user's id and the request's input (already JSON-decoded), validates it with zod and returns
// { status, body }. The handlers in app/api/workspace only authenticate and call these.
import path from 'node:path';
import { z } from 'zod';
import { checkDockerfile } from '../engine/checks/index.ts';
import { openContext } from '../engine/build-context/index.ts';
import { EngineError } from '../engine/errors.ts';
import type { BuildContext } from '../engine/build-context/index.ts';
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

/** A problem to mark in the editor: 1-based lines. */
export type Problem = {
  line: number;
  endLine: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** Check rule name, or the engine error code for parse/plan errors. */
  rule: string;
  /** `/lesson/<step>` for lesson-linked checks. */
  lesson?: string;
  url?: string;
};

function fail(status: number, code: string, message: string): ApiResult {
  return { status, body: { error: message, code } };
}

/** Maps anything thrown to a response; unknown errors become a 500 without internals. */
export function errorResult(err: unknown): ApiResult {
  if (err instanceof WorkspaceError) return fail(err.status, err.code, err.message);
  if (err instanceof z.ZodError) return fail(400, 'INVALID_INPUT', err.issues[0]?.message ?? 'Invalid request.');
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
    let context: BuildContext | undefined;
    let contextError: EngineError | WorkspaceError | undefined;
    try {
      const ignore = await readIgnoreFile(dir, normaliseRelative(rel));
      context = await openContext(dir, ignore === null ? {} : { ignoreText: ignore });
    } catch (err) {
      // A broken .dockerignore is itself worth a marker; the Dockerfile is still checked.
      if (err instanceof EngineError || err instanceof WorkspaceError) contextError = err;
      else throw err;
    }
    const problems = await problemsFor(body.text, file, context, contextError);
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

async function problemsFor(text: string, file: string, context: BuildContext | undefined, contextError?: EngineError | WorkspaceError): Promise<Problem[]> {
  const problems: Problem[] = [];
  if (contextError) {
    problems.push({ line: 1, endLine: 1, severity: 'warning', rule: contextError.code, message: `Build context: ${contextError.message}` });
  }
  try {
    const result = await checkDockerfile(text, { file, context });
    if (result.error) {
      const r = result.error.range ?? { start: 1, end: 1 };
      problems.push({ line: r.start, endLine: r.end, severity: 'error', rule: result.error.code, message: result.error.message });
    }
    for (const f of result.findings) {
      problems.push({
        line: f.range.start,
        endLine: f.range.end,
        severity: f.severity,
        rule: f.rule,
        message: f.message,
        lesson: f.lesson,
        ...(f.url ? { url: f.url } : {}),
      });
    }
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    const r = err.range ?? { start: 1, end: 1 };
    problems.push({ line: r.start, endLine: r.end, severity: 'error', rule: err.code, message: err.message });
  }
  return problems.sort((a, b) => a.line - b.line);
}
