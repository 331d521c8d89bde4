// Where the builder gets the Dockerfile: a path INSIDE the context (resolved like a COPY source:
// no ".." out of the root, symlinks followed only while they stay inside, the last hop opened
// with O_NOFOLLOW), or text the client sent. Errors name the relative path only.
import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import { EngineError, ErrorCodes, isEngineError } from '../errors.ts';
import { cleanPath, escapesRoot } from '../build-context/paths.ts';
import { resolveInside } from '../build-context/resolve-source.ts';
import { formatSize, frontendLimits } from '../dockerfile/limits.ts';

/** Largest Dockerfile read from a context or accepted as text: the frontend's own limit (LAB_MAX_DOCKERFILE_BYTES). */
export const DOCKERFILE_READ_MAX_BYTES = frontendLimits().dockerfileBytes;

/** The context-relative Dockerfile name, or CONTEXT_ESCAPE for an absolute path or one that climbs out. */
export function dockerfileName(name: string): string {
  if (name.startsWith('/') || escapesRoot(name) || name.includes('\0')) {
    throw new EngineError(ErrorCodes.CONTEXT_ESCAPE, `the Dockerfile "${name}" must be a path inside the build context (a file elsewhere is sent as text: lab build -f ../Dockerfile .)`);
  }
  return cleanPath(name);
}

/** Reads the Dockerfile `name` from the context directory `root` without leaving it. */
export async function readContextDockerfile(root: string, name: string): Promise<string> {
  const rel = dockerfileName(name);
  const missing = () => new EngineError(ErrorCodes.NOT_FOUND, `failed to read ${rel}: no such file in the build context; pass -f with the Dockerfile's path`);
  let abs: string;
  try {
    const r = await resolveInside(root, rel, rel, {});
    if (!r.exists) throw missing();
    abs = r.abs;
  } catch (err) {
    if (isEngineError(err) && err.code === ErrorCodes.CONTEXT_ESCAPE) {
      throw new EngineError(ErrorCodes.CONTEXT_ESCAPE, `the Dockerfile ${rel} is a symbolic link that leads outside the build context; the builder reads only files inside it`);
    }
    throw err;
  }
  const fh = await fs.open(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => {
    throw missing();
  });
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new EngineError(ErrorCodes.INVALID_INPUT, `failed to read ${rel}: it is not a regular file`);
    if (st.size > DOCKERFILE_READ_MAX_BYTES) throw new EngineError(ErrorCodes.RESOURCE_LIMIT, `the Dockerfile is ${formatSize(st.size)} (${rel}); a Dockerfile may be at most ${formatSize(DOCKERFILE_READ_MAX_BYTES)} (LAB_MAX_DOCKERFILE_BYTES)`);
    const buf = Buffer.alloc(st.size);
    const { bytesRead } = await fh.read(buf, 0, st.size, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}
