// Reading .dockerignore files (moby's ignorefile.ReadAll rules) and finding the right one.
import path from 'node:path';
import { EngineError, ErrorCodes, isEngineError } from '../errors.ts';
import { limitError, MAX_DOCKERIGNORE_BYTES } from '../limits.ts';
import { humanSize } from './human-size.ts';
import { cleanPath } from './paths.ts';
import { readInside, type InsideRead } from './read-inside.ts';
import type { IgnoreFile, IgnorePattern } from './index.ts';

/**
 * Turns ignore-file text into patterns: a UTF-8 BOM is dropped, lines that start with "#"
 * are comments, surrounding whitespace is trimmed, blank lines are skipped, paths are
 * cleaned and a leading "/" removed ("!" exceptions keep their "!").
 */
export function parseIgnoreFile(text: string): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.startsWith('#')) return;
    let p = raw.trim();
    if (p === '') return;
    const exclusion = p[0] === '!';
    if (exclusion) p = p.slice(1).trim();
    if (p.length > 0) {
      p = cleanPath(p);
      if (p.length > 1 && p[0] === '/') p = p.slice(1);
    }
    out.push({ pattern: (exclusion ? '!' : '') + p, exclusion, line: i + 1, text: raw });
  });
  return out;
}

/**
 * Finds the ignore file for a build: "<Dockerfile>.dockerignore" next to the Dockerfile wins
 * over "<context>/.dockerignore". `dockerfile` is a path (absolute, or relative to the
 * process's working directory, like `docker build -f`). Returns null when neither exists.
 * Each candidate is read confined to its directory (the context root, or the Dockerfile's
 * directory when it lies outside the context): a symlinked .dockerignore is followed only while
 * it stays inside, as BuildKit reads it from the transferred context, never from the host.
 */
export async function loadIgnoreFile(contextDir: string, dockerfile?: string): Promise<IgnoreFile | null> {
  const root = path.resolve(contextDir);
  const df = path.resolve(dockerfile ?? path.join(root, 'Dockerfile'));
  const dfRel = path.relative(root, df);
  const candidates: [string, string][] = [
    dfRel.startsWith('..') || path.isAbsolute(dfRel) ? [path.dirname(df), path.basename(df) + '.dockerignore'] : [root, dfRel + '.dockerignore'],
    [root, '.dockerignore'],
  ];
  for (const [dir, rel] of candidates) {
    let r: InsideRead;
    try {
      r = await readInside(dir, rel, MAX_DOCKERIGNORE_BYTES);
    } catch (err) {
      if (isEngineError(err) && err.code === ErrorCodes.CONTEXT_ESCAPE) {
        throw new EngineError(ErrorCodes.CONTEXT_ESCAPE, `${rel} is a symbolic link that leads outside the build context; the builder reads only files inside it`);
      }
      throw err;
    }
    if (r.kind === 'too-big') throw limitError(`${rel} is ${humanSize(r.size)}`, humanSize(MAX_DOCKERIGNORE_BYTES), 'LAB_MAX_DOCKERIGNORE_BYTES', 'an ignore file lists patterns, one a line');
    if (r.kind !== 'file') continue;
    return { path: path.join(dir, rel), patterns: parseIgnoreFile(r.text) };
  }
  return null;
}
