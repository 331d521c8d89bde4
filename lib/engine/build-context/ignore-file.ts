// Reading .dockerignore files (moby's ignorefile.ReadAll rules) and finding the right one.
import fs from 'node:fs/promises';
import path from 'node:path';
import { cleanPath } from './paths.ts';
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
 */
export async function loadIgnoreFile(contextDir: string, dockerfile?: string): Promise<IgnoreFile | null> {
  const candidates: string[] = [];
  const df = path.resolve(dockerfile ?? path.join(contextDir, 'Dockerfile'));
  candidates.push(df + '.dockerignore');
  candidates.push(path.join(path.resolve(contextDir), '.dockerignore'));
  for (const file of candidates) {
    let text: string;
    try {
      const st = await fs.stat(file);
      if (!st.isFile()) continue;
      text = await fs.readFile(file, 'utf8');
    } catch {
      continue;
    }
    return { path: file, patterns: parseIgnoreFile(text) };
  }
  return null;
}
