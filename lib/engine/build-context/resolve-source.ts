// Resolving COPY/ADD sources inside the context root: wildcards per path segment (Go's
// filepath.Match syntax), symlinks followed only while they stay inside the root.
import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError, ErrorCodes } from '../errors.ts';
import { cleanPath, escapesRoot, isInside } from './paths.ts';
import { validateGlob } from './pattern-matcher.ts';
import { entryType } from './context-walker.ts';
import type { BuildContext, ResolvedSource, ResolveOptions } from './index.ts';

const MAX_SYMLINK_HOPS = 40;

/** Does this source contain an unescaped wildcard (`*`, `?`, `[`)? */
export function hasWildcards(src: string): boolean {
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if ('*?['.includes(src[i])) return true;
  }
  return false;
}

/** One path segment of a glob as an anchored regexp. */
export function segmentRegExp(seg: string): RegExp {
  let re = '';
  const s = Array.from(seg);
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') re += escapeRe(s[++i] ?? '\\');
    else if (c === '[') {
      let cls = '[';
      i++;
      if (s[i] === '^') {
        cls += '^';
        i++;
      }
      for (; i < s.length && !(s[i] === ']' && cls.length > 1 && cls !== '[^'); i++) {
        if (s[i] === '\\') cls += escapeRe(s[++i]);
        else if (s[i] === '-') cls += '-';
        else cls += escapeRe(s[i]);
      }
      re += cls + ']';
    } else re += escapeRe(c);
  }
  return new RegExp('^' + re + '$');
}

function escapeRe(c: string): string {
  return /[\^$\\.*+?()[\]{}|/-]/.test(c) ? '\\' + c : c;
}

function unescape(seg: string): string {
  return seg.replace(/\\(.)/g, '$1');
}

function where(opts: ResolveOptions): string {
  const file = opts.file ?? 'Dockerfile';
  return opts.range ? `${file}:${opts.range.start}: ` : '';
}

function escapeError(src: string, detail: string, opts: ResolveOptions): EngineError {
  const instr = opts.instruction ?? 'COPY';
  return new EngineError(
    ErrorCodes.CONTEXT_ESCAPE,
    `${where(opts)}${instr} ${src}: ${detail}. The builder only sees files inside the build context; move the file into the context directory (or build from a parent directory).`,
    { range: opts.range, file: opts.file },
  );
}

/**
 * Follows `rel` from the root component by component. Symlinks (also the last component:
 * COPY copies what a source link points to) are resolved only while they stay inside.
 */
export async function resolveInside(root: string, rel: string, src: string, opts: ResolveOptions): Promise<{ abs: string; exists: boolean }> {
  let cur = root;
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  let hops = 0;
  while (parts.length) {
    const part = parts.shift()!;
    if (part === '..') {
      cur = path.dirname(cur);
      if (!isInside(root, cur)) throw escapeError(src, `"${rel}" leads outside the build context`, opts);
      continue;
    }
    const next = path.join(cur, part);
    const st = await fs.lstat(next).catch(() => null);
    if (!st) return { abs: path.join(next, ...parts), exists: false };
    if (!st.isSymbolicLink()) {
      cur = next;
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) throw escapeError(src, 'too many levels of symbolic links', opts);
    const target = await fs.readlink(next);
    const linkRel = path.relative(root, next);
    if (path.isAbsolute(target)) {
      const t = path.normalize(target);
      if (!isInside(root, t)) throw escapeError(src, `"${linkRel}" is a symbolic link to "${target}", which is outside the build context`, opts);
      cur = root;
      parts.unshift(...path.relative(root, t).split('/').filter(Boolean));
    } else {
      const t = path.normalize(path.join(cur, target));
      if (!isInside(root, t)) throw escapeError(src, `"${linkRel}" is a symbolic link to "${target}", which is outside the build context`, opts);
      parts.unshift(...target.split('/').filter(Boolean));
    }
  }
  return { abs: cur, exists: true };
}

/** Expands a COPY/ADD source to the context entries it names. */
export async function resolveSource(ctx: Pick<BuildContext, 'root' | 'isExcluded' | 'ignoreFile'>, src: string, opts: ResolveOptions = {}): Promise<ResolvedSource[]> {
  const raw = src.replace(/^\/+/, ''); // absolute sources are relative to the context root
  if (escapesRoot(raw)) throw escapeError(src, `"${src}" points outside the build context`, opts);
  const rel = cleanPath(raw);
  const segments = rel === '.' ? [] : rel.split('/');
  for (const seg of segments) {
    if (hasWildcards(seg) && !validateGlob(seg)) {
      throw new EngineError(ErrorCodes.INVALID_ARGUMENT, `${where(opts)}invalid wildcard in source "${src}" (check the [ ] classes)`, { range: opts.range, file: opts.file });
    }
  }

  // Expand segment by segment; every candidate is a lexical context-relative path.
  let candidates = [''];
  for (const seg of segments) {
    const next: string[] = [];
    for (const base of candidates) {
      if (!hasWildcards(seg)) {
        next.push(base ? `${base}/${unescape(seg)}` : unescape(seg));
        continue;
      }
      // A wildcard only looks inside directories that stay in the context.
      const dir = await resolveInside(ctx.root, base, src, opts).catch((err) => {
        if (err instanceof EngineError && err.code === ErrorCodes.CONTEXT_ESCAPE) return { abs: '', exists: false };
        throw err;
      });
      if (!dir.exists) continue;
      const names = await fs.readdir(dir.abs).catch(() => [] as string[]);
      const re = segmentRegExp(seg);
      for (const name of names.sort()) if (re.test(name)) next.push(base ? `${base}/${name}` : name);
    }
    candidates = next;
  }

  const out: ResolvedSource[] = [];
  const hidden: string[] = [];
  for (const c of candidates) {
    const relPath = c === '' ? '.' : c;
    const r = await resolveInside(ctx.root, c, src, opts);
    if (!r.exists) continue;
    const st = await fs.lstat(r.abs);
    const excluded = relPath !== '.' && ctx.isExcluded(relPath);
    if (excluded && !opts.includeExcluded) {
      hidden.push(relPath);
      continue;
    }
    out.push({ path: relPath, absPath: r.abs, type: entryType(st), excluded });
  }
  if (out.length === 0) {
    const why = hidden.length
      ? `it is excluded by ${ctx.ignoreFile ? path.basename(ctx.ignoreFile.path) : '.dockerignore'} (${hidden.slice(0, 3).join(', ')}); remove the pattern or add a "!" exception`
      : 'no such file or directory in the build context (paths are relative to the context directory, not to the Dockerfile)';
    throw new EngineError(ErrorCodes.CONTEXT_NOT_FOUND, `${where(opts)}${opts.instruction ?? 'COPY'} ${src}: not found: ${why}`, { range: opts.range, file: opts.file });
  }
  return out;
}
