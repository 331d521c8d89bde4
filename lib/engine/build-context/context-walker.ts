// Walks a context directory the way BuildKit's fsutil filter does: lexical order, symlinks
// never followed, excluded directories skipped unless an exception could match inside.
import fs from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { EngineError, ErrorCodes } from '../errors.ts';
import type { MatchInfo, Pattern, PatternMatcher } from './pattern-matcher.ts';
import type { ContextEntry, EntryType, ExcludedEntry, IgnorePattern } from './index.ts';

/** Characters that make an exception pattern "not a plain prefix" (fsutil's patternChars). */
const PATTERN_CHARS = /[*[\]?^\\]/;

function withoutTrailingGlob(p: Pattern): string {
  let s = p.cleaned;
  if (s.endsWith('/**')) s = s.slice(0, -3);
  if (s.endsWith('/*')) s = s.slice(0, -2);
  return s;
}

export function entryType(st: Stats): EntryType {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  return 'other';
}

function toEntry(rel: string, abs: string, st: Stats, linkTarget?: string): ContextEntry {
  const type = entryType(st);
  return {
    path: rel,
    absPath: abs,
    type,
    size: type === 'file' ? st.size : 0,
    mode: st.mode & 0o7777,
    mtimeMs: st.mtimeMs,
    uid: st.uid,
    gid: st.gid,
    ...(linkTarget !== undefined ? { linkTarget } : {}),
  };
}

/** Bytes and file count of a subtree, without following symlinks (for "what was excluded"). */
export async function measureTree(abs: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  const stack = [abs];
  while (stack.length) {
    const dir = stack.pop()!;
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      continue;
    }
    const stats = await Promise.all(names.map((name) => fs.lstat(path.join(dir, name)).catch(() => null)));
    for (let i = 0; i < names.length; i++) {
      const p = path.join(dir, names[i]);
      const st = stats[i];
      if (!st) continue;
      if (st.isDirectory()) stack.push(p);
      else {
        files++;
        if (st.isFile()) bytes += st.size;
      }
    }
  }
  return { bytes, files };
}

type Frame = { rel: string; abs: string; st: Stats; info: MatchInfo | null; emitted: boolean };

export type WalkOptions = {
  onExcluded?: (e: ExcludedEntry) => void;
  /** Measure skipped directories for onExcluded (default true; costs one extra lstat walk). */
  measureExcluded?: boolean;
  /** Maps pattern index (position in the matcher's input list) back to the ignore-file line. */
  patterns?: IgnorePattern[];
};

export async function* walkContext(root: string, matcher: PatternMatcher, opts: WalkOptions = {}): AsyncGenerator<ContextEntry> {
  const onlyPrefixExceptions = !matcher.patterns.some((p) => p.exclusion && PATTERN_CHARS.test(withoutTrailingGlob(p)));
  const measure = opts.measureExcluded !== false;
  const describe = (p: Pattern | null): IgnorePattern | null =>
    p ? (opts.patterns?.[p.index] ?? { pattern: p.cleaned, exclusion: p.exclusion, line: 0, text: p.cleaned }) : null;

  // Directories we are inside of, deepest last; they are yielded lazily.
  const parents: Frame[] = [];

  async function* visit(dirAbs: string, dirRel: string): AsyncGenerator<ContextEntry> {
    let names: string[];
    try {
      names = await fs.readdir(dirAbs);
    } catch (err) {
      throw new EngineError(ErrorCodes.FAILED_PRECONDITION, `cannot read "${dirRel || '.'}" in the build context: ${(err as Error).message}. Fix its permissions or exclude it in .dockerignore.`, { cause: err });
    }
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // lstat a whole directory at once (the thread pool runs them in parallel).
    const stats = await Promise.all(names.map((name) => fs.lstat(path.join(dirAbs, name)).catch(() => null)));
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const rel = dirRel ? `${dirRel}/${name}` : name;
      const abs = path.join(dirAbs, name);
      const st = stats[i];
      if (!st) continue; // vanished while walking
      const isDir = st.isDirectory();
      const parentInfo = parents.length ? parents[parents.length - 1].info : null;
      const m = matcher.patterns.length ? matcher.matchesUsingParentResults(rel, parentInfo) : null;

      if (m?.excluded) {
        let descend = false;
        if (isDir) {
          if (!onlyPrefixExceptions) descend = true;
          else if (matcher.exclusions) {
            const dirSlash = rel + '/';
            descend = matcher.patterns.some((p) => p.exclusion && (withoutTrailingGlob(p) + '/').startsWith(dirSlash));
          }
        }
        if (!descend) {
          if (opts.onExcluded) {
            const size = isDir ? (measure ? await measureTree(abs) : { bytes: 0, files: 0 }) : { bytes: st.isFile() ? st.size : 0, files: 1 };
            opts.onExcluded({ path: rel, type: entryType(st), ...size, pattern: describe(m.decidedBy) });
          }
          continue;
        }
        // Traverse without emitting: an exception may re-include something below.
        parents.push({ rel, abs, st, info: m.info, emitted: false });
        yield* visit(abs, rel);
        parents.pop();
        continue;
      }

      // Included: first emit any traversed-but-excluded parents, then the entry itself.
      for (const f of parents) {
        if (!f.emitted) {
          f.emitted = true;
          yield toEntry(f.rel, f.abs, f.st);
        }
      }
      const linkTarget = st.isSymbolicLink() ? await fs.readlink(abs) : undefined;
      yield toEntry(rel, abs, st, linkTarget);
      if (isDir) {
        parents.push({ rel, abs, st, info: m?.info ?? null, emitted: true });
        yield* visit(abs, rel);
        parents.pop();
      }
    }
  }

  yield* visit(root, '');
}
