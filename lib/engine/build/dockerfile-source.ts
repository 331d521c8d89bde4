// Where the builder gets the Dockerfile: a path INSIDE the context (resolved like a COPY source:
// no ".." out of the root, symlinks followed only while they stay inside, the last hop opened
// with O_NOFOLLOW), or text the client sent. Errors name the relative path only.
import { EngineError, ErrorCodes, isEngineError } from '../errors.ts';
import { cleanPath, escapesRoot } from '../build-context/paths.ts';
import { readInside, type InsideRead } from '../build-context/read-inside.ts';
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
  let r: InsideRead;
  try {
    r = await readInside(root, rel, DOCKERFILE_READ_MAX_BYTES);
  } catch (err) {
    if (isEngineError(err) && err.code === ErrorCodes.CONTEXT_ESCAPE) {
      throw new EngineError(ErrorCodes.CONTEXT_ESCAPE, `the Dockerfile ${rel} is a symbolic link that leads outside the build context; the builder reads only files inside it`);
    }
    throw err;
  }
  switch (r.kind) {
    case 'file':
      return r.text;
    case 'missing':
      throw new EngineError(ErrorCodes.NOT_FOUND, `failed to read ${rel}: no such file in the build context; pass -f with the Dockerfile's path`);
    case 'not-regular':
      throw new EngineError(ErrorCodes.INVALID_INPUT, `failed to read ${rel}: it is not a regular file`);
    case 'too-big':
      throw new EngineError(ErrorCodes.RESOURCE_LIMIT, `the Dockerfile is ${formatSize(r.size)} (${rel}); a Dockerfile may be at most ${formatSize(DOCKERFILE_READ_MAX_BYTES)} (LAB_MAX_DOCKERFILE_BYTES)`);
  }
}
