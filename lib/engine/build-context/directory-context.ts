// A build context backed by a local directory: openContext() and the report.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { EngineError, ErrorCodes } from '../errors.ts';
import { loadIgnoreFile, parseIgnoreFile } from './ignore-file.ts';
import { PatternMatcher, excludedByWalk } from './pattern-matcher.ts';
import { walkContext } from './context-walker.ts';
import { resolveSource } from './resolve-source.ts';
import { packContext } from './context-tar.ts';
import { contextRelative } from './paths.ts';
import type { BuildContext, ContextEntry, ContextReport, ExcludedEntry, IgnoreFile, ResolvedSource, ResolveOptions, SizeSummary } from './index.ts';

export type OpenContextOptions = {
  /** Path of the Dockerfile (absolute or relative to cwd); picks `<Dockerfile>.dockerignore`. */
  dockerfile?: string;
  /** Use these patterns instead of reading an ignore file (tests, the web editor). */
  ignoreText?: string;
};

export async function openContext(dir: string, opts: OpenContextOptions = {}): Promise<BuildContext> {
  let root: string;
  try {
    root = await fs.realpath(dir);
  } catch {
    throw new EngineError(ErrorCodes.CONTEXT_NOT_FOUND, `build context "${dir}" does not exist; pass the directory that holds your app (often ".")`);
  }
  const st = await fs.stat(root);
  if (!st.isDirectory()) {
    throw new EngineError(ErrorCodes.CONTEXT_NOT_FOUND, `build context "${dir}" is not a directory; pass the directory that holds your app (often ".")`);
  }
  let ignoreFile: IgnoreFile | null;
  if (opts.ignoreText !== undefined) {
    ignoreFile = { path: path.join(root, '.dockerignore'), patterns: parseIgnoreFile(opts.ignoreText) };
  } else {
    ignoreFile = await loadIgnoreFile(root, opts.dockerfile);
  }
  let matcher: PatternMatcher;
  try {
    matcher = new PatternMatcher(ignoreFile?.patterns.map((p) => p.pattern) ?? []);
  } catch (err) {
    if (err instanceof EngineError && ignoreFile) {
      throw new EngineError(err.code, `${path.basename(ignoreFile.path)}: ${err.message}`, { file: ignoreFile.path, cause: err });
    }
    throw err;
  }
  return new DirectoryContext(root, ignoreFile, matcher);
}

class DirectoryContext implements BuildContext {
  constructor(
    readonly root: string,
    readonly ignoreFile: IgnoreFile | null,
    readonly matcher: PatternMatcher,
  ) {}

  isExcluded(relPath: string): boolean {
    const rel = contextRelative(relPath);
    if (rel === '.') return false;
    return excludedByWalk(this.matcher, rel);
  }

  walk(opts: { onExcluded?: (e: ExcludedEntry) => void; measureExcluded?: boolean } = {}): AsyncGenerator<ContextEntry> {
    return walkContext(this.root, this.matcher, { ...opts, patterns: this.ignoreFile?.patterns });
  }

  resolveSource(src: string, opts?: ResolveOptions): Promise<ResolvedSource[]> {
    return resolveSource(this, src, opts);
  }

  tar(): Readable {
    return packContext(this.walk());
  }

  async report(opts: { top?: number; measureExcluded?: boolean } = {}): Promise<ContextReport> {
    const top = opts.top ?? 5;
    const topLevel = new Map<string, SizeSummary>();
    const files: SizeSummary[] = [];
    const excludedTop = new Map<string, SizeSummary>();
    const byPattern = new Map<string, { pattern: string; line: number; bytes: number; files: number }>();
    const r = { totalBytes: 0, fileCount: 0, dirCount: 0, symlinkCount: 0, exBytes: 0, exFiles: 0 };

    const onExcluded = (e: ExcludedEntry) => {
      r.exBytes += e.bytes;
      r.exFiles += e.files;
      const key = e.pattern ? `${e.pattern.line}\0${e.pattern.pattern}` : '?';
      const p = byPattern.get(key) ?? { pattern: e.pattern?.pattern ?? '?', line: e.pattern?.line ?? 0, bytes: 0, files: 0 };
      p.bytes += e.bytes;
      p.files += e.files;
      byPattern.set(key, p);
      const head = e.path.split('/')[0];
      const t = excludedTop.get(head) ?? { path: head, type: e.path === head ? e.type : 'dir', bytes: 0, files: 0 };
      t.bytes += e.bytes;
      t.files += e.files;
      excludedTop.set(head, t);
    };

    for await (const e of this.walk({ onExcluded, measureExcluded: opts.measureExcluded })) {
      if (e.type === 'dir') {
        r.dirCount++;
        if (!e.path.includes('/')) topLevel.set(e.path, { path: e.path, type: 'dir', bytes: 0, files: 0 });
        continue;
      }
      if (e.type === 'symlink') {
        r.symlinkCount++;
        continue;
      }
      r.fileCount++;
      r.totalBytes += e.size;
      const head = e.path.split('/')[0];
      const t = topLevel.get(head) ?? { path: head, type: e.type, bytes: 0, files: 0 };
      t.bytes += e.size;
      t.files += 1;
      topLevel.set(head, t);
      if (e.type === 'file') files.push({ path: e.path, type: 'file', bytes: e.size, files: 1 });
    }

    const bySize = (a: { bytes: number; path?: string }, b: { bytes: number; path?: string }) => b.bytes - a.bytes || String(a.path).localeCompare(String(b.path));
    return {
      root: this.root,
      ignoreFile: this.ignoreFile?.path ?? null,
      patterns: this.ignoreFile?.patterns ?? [],
      totalBytes: r.totalBytes,
      fileCount: r.fileCount,
      dirCount: r.dirCount,
      symlinkCount: r.symlinkCount,
      topLevel: [...topLevel.values()].sort(bySize).slice(0, top),
      biggestFiles: files.sort(bySize).slice(0, top),
      excluded: {
        totalBytes: r.exBytes,
        fileCount: r.exFiles,
        byPattern: [...byPattern.values()].sort((a, b) => b.bytes - a.bytes || a.line - b.line),
        byTopLevel: [...excludedTop.values()].sort(bySize).slice(0, top),
      },
    };
  }
}
