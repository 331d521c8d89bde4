// COPY/ADD sources: resolve each source (wildcards included) and walk directories into the
// list of entries to copy, honouring .dockerignore and --exclude. Nothing is copied here.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Stats } from 'node:fs';
import { EngineError, ErrorCodes, type SourceRange } from '../errors.ts';
import { PatternMatcher } from '../build-context/pattern-matcher.ts';
import { hasWildcards, resolveSource, segmentRegExp } from '../build-context/resolve-source.ts';
import type { BuildContext } from '../build-context/index.ts';
import { resolveInRoot } from '../executor/scoped-path.ts';

/** Where sources come from: the build context (escapes refused) or a stage/image rootfs (chroot-scoped). */
export type SourceRoot =
  | { kind: 'context'; ctx: Pick<BuildContext, 'root' | 'isExcluded' | 'ignoreFile'> }
  | { kind: 'rootfs'; root: string; name: string };

/** A top-level match of one source argument. */
export type SourceMatch = {
  /** The source argument as written (after expansion). */
  arg: string;
  /** Path of the match relative to the source root ("src/app.py", "." for the root). */
  rel: string;
  abs: string;
  stat: Stats;
  /** The argument contained a wildcard (affects the destination rule). */
  wildcard: boolean;
};

/** One filesystem entry to copy. */
export type CopyEntry = {
  abs: string;
  stat: Stats;
  /** Relative to the source root: the key of the cache checksum and of --parents. */
  rel: string;
  /** Relative to the match (the part below a copied directory; "" for the match itself). */
  sub: string;
  match: SourceMatch;
};

type Where = { instruction: string; range?: SourceRange; file?: string };

function notFound(arg: string, rootName: string, w: Where): EngineError {
  return new EngineError(ErrorCodes.CONTEXT_NOT_FOUND, `${w.instruction} ${arg}: not found in ${rootName}`, { range: w.range, file: w.file });
}

/** Resolve one source argument to its matches (stat follows a top-level symlink, like BuildKit). */
export async function matchSource(root: SourceRoot, arg: string, w: Where): Promise<SourceMatch[]> {
  const wildcard = hasWildcards(arg);
  if (root.kind === 'context') {
    const found = await resolveSource(root.ctx, arg, { instruction: w.instruction, range: w.range, file: w.file });
    const out: SourceMatch[] = [];
    for (const f of found) out.push({ arg, rel: f.path, abs: f.absPath, stat: await fs.stat(f.absPath), wildcard });
    return out;
  }
  const segments = arg.split('/').filter((s) => s !== '' && s !== '.');
  let candidates = [''];
  for (const seg of segments) {
    const next: string[] = [];
    for (const base of candidates) {
      if (!hasWildcards(seg)) {
        next.push(path.posix.join(base, seg.replace(/\\(.)/g, '$1')));
        continue;
      }
      const dir = await resolveInRoot(root.root, '/' + base);
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      const re = segmentRegExp(seg);
      for (const n of names.sort()) if (re.test(n)) next.push(path.posix.join(base, n));
    }
    candidates = next;
  }
  const out: SourceMatch[] = [];
  for (const c of candidates) {
    const abs = await resolveInRoot(root.root, '/' + c);
    const st = await fs.stat(abs).catch(() => null);
    if (st) out.push({ arg, rel: path.relative(root.root, abs) || '.', abs, stat: st, wildcard });
  }
  if (out.length === 0) throw notFound(arg, root.name, w);
  return out;
}

/**
 * Every entry under the matches, parents before children, names sorted. Directory matches
 * contribute their contents (Docker copies a directory's contents, not the directory).
 */
export async function walkMatches(root: SourceRoot, matches: SourceMatch[], excludes: string[]): Promise<CopyEntry[]> {
  const exclude = excludes.length ? new PatternMatcher(excludes) : undefined;
  const ignored = (rel: string, sub: string) =>
    (root.kind === 'context' && rel !== '.' && root.ctx.isExcluded(rel)) || (exclude !== undefined && sub !== '' && exclude.matchesOrParentMatches(sub));
  const exceptions = root.kind === 'context' ? (root.ctx.ignoreFile?.patterns ?? []).filter((p) => p.exclusion).map((p) => p.pattern.replace(/^!/, '')) : [];
  const exceptionInside = (dir: string) => exceptions.some((e) => /[*[\]?\\]/.test(e) || e.startsWith(`${dir}/`));
  const out: CopyEntry[] = [];
  for (const m of matches) {
    if (exclude && m.rel !== '.' && exclude.matchesOrParentMatches(m.rel)) continue;
    out.push({ abs: m.abs, stat: m.stat, rel: m.rel, sub: '', match: m });
    if (!m.stat.isDirectory()) continue;
    const walk = async (dirAbs: string, sub: string) => {
      const names = (await fs.readdir(dirAbs)).sort();
      for (const name of names) {
        const abs = path.join(dirAbs, name);
        const childSub = sub ? `${sub}/${name}` : name;
        const rel = m.rel === '.' ? childSub : `${m.rel}/${childSub}`;
        if (ignored(rel, childSub)) {
          // moby/patternmatcher + fsutil walker: an excluded directory is still entered when an
          // exception ("!build/keep.txt") could match inside; it is kept only if a child is.
          if (!exceptionInside(rel)) continue;
          const st = await fs.lstat(abs);
          if (!st.isDirectory()) continue;
          const mark = out.length;
          await walk(abs, childSub);
          if (out.length > mark) out.splice(mark, 0, { abs, stat: st, rel, sub: childSub, match: m });
          continue;
        }
        const st = await fs.lstat(abs);
        out.push({ abs, stat: st, rel, sub: childSub, match: m });
        if (st.isDirectory()) await walk(abs, childSub);
      }
    };
    await walk(m.abs, '');
  }
  return out;
}
