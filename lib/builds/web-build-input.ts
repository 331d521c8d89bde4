// Checks what the Build button sends before anything is queued: a Dockerfile path inside the
// workspace, tags the engine's reference parser accepts. Errors are EngineErrors a student can act on.
import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../engine/errors.ts';
import { parseReference } from '../engine/image/reference.ts';

export const MAX_TAGS = 8;
export const MAX_DOCKERFILE_BYTES = 256 * 1024;

/** "Dockerfile", "docker/Dockerfile.dev": relative, normalised, inside the workspace. */
export function checkDockerfilePath(input: string | undefined): string {
  const raw = (input ?? 'Dockerfile').trim();
  if (!raw || raw.length > 255 || /[\0\\]/.test(raw)) {
    throw new EngineError('INVALID_INPUT', 'The Dockerfile path must be a short relative path such as "Dockerfile".');
  }
  if (raw.startsWith('/')) throw new EngineError('INVALID_INPUT', `"${raw}" is absolute: give the Dockerfile's path inside your workspace, e.g. "Dockerfile".`);
  const p = path.posix.normalize(raw);
  if (p === '.' || p === '..' || p.startsWith('../') || p.endsWith('/')) {
    throw new EngineError('INVALID_INPUT', `"${raw}" is not a file inside your workspace.`);
  }
  return p;
}

/** Each tag must parse as an image reference (no digest); returns them trimmed, without repeats. */
export function checkTags(tags: string[] | undefined): string[] {
  const out: string[] = [];
  for (const t of tags ?? []) {
    const tag = t.trim();
    if (!tag) continue;
    const ref = parseReference(tag); // INVALID_INPUT "invalid reference format ..." otherwise
    if (ref.digest) throw new EngineError('INVALID_INPUT', `"${tag}" names a digest: a build can only be tagged with name:tag.`);
    if (!out.includes(tag)) out.push(tag);
  }
  if (out.length > MAX_TAGS) throw new EngineError('INVALID_INPUT', `At most ${MAX_TAGS} tags per build.`);
  return out;
}

/** The Dockerfile's text; NOT_FOUND when it is missing, INVALID_INPUT when it leaves the workspace. */
export async function readWorkspaceDockerfile(contextDir: string, rel: string): Promise<string> {
  const root = await fs.realpath(contextDir);
  let real: string;
  try {
    real = await fs.realpath(path.join(root, rel));
  } catch {
    throw new EngineError('NOT_FOUND', `There is no ${rel} in your workspace: create it in the editor, or build another file.`);
  }
  if (real !== root && !real.startsWith(root + path.sep)) {
    throw new EngineError('INVALID_INPUT', `${rel} points outside your workspace.`);
  }
  const st = await fs.stat(real);
  if (!st.isFile()) throw new EngineError('INVALID_INPUT', `${rel} is not a file.`);
  if (st.size > MAX_DOCKERFILE_BYTES) throw new EngineError('INVALID_INPUT', `${rel} is larger than ${MAX_DOCKERFILE_BYTES / 1024} KiB.`);
  return fs.readFile(real, 'utf8');
}
