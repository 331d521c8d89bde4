/**
 * The build context: the directory `docker build CONTEXT` sends to the builder, minus what
 * .dockerignore excludes. It is step 1 of the lesson: before any instruction runs, the CLI
 * walks this directory and streams it (as a tar) to the daemon, so a forgotten .git or
 * node_modules makes every build slower and may bake secrets into the image.
 *
 * Terms
 *   context root   The directory given to `docker build` (resolved to its real path).
 *   ignore file    `<Dockerfile>.dockerignore` next to the Dockerfile if it exists, else
 *                  `<context>/.dockerignore`. One pattern per line; "#" lines are comments.
 *   pattern        A path glob with moby/patternmatcher semantics: `*` and `?` stop at "/",
 *                  `**` crosses directories, `[a-z]` classes, `\` escapes, a leading "/" or
 *                  "./" is dropped, paths are cleaned. A pattern that matches a directory
 *                  excludes everything inside it.
 *   exception      A pattern starting with "!": re-includes what an earlier pattern excluded.
 *                  Patterns are read top to bottom and the LAST one that matches wins.
 *   source         A path from COPY/ADD, resolved inside the context root. Absolute sources
 *                  are relative to the root; `../x` and symlinks that lead outside the root
 *                  are refused with CONTEXT_ESCAPE.
 *
 * Lifecycle
 *   1. openContext(dir, { dockerfile }) resolves the root and loads the ignore file (the
 *      patterns are validated now: a bad pattern is an INVALID_PATTERN error up front).
 *   2. walk() yields the entries that would be sent, in lexical order, without following
 *      symlinks. An excluded directory is not even opened unless an exception pattern could
 *      re-include something inside it (the same shortcut BuildKit's fsutil takes); a
 *      directory that is only traversed appears once one of its children is included.
 *   3. report() sums what walk() sees (size, counts, biggest top-level entries and files)
 *      and what the ignore file removed (per pattern and per top-level directory).
 *   4. tar() streams the filtered context as a tar (what the docker CLI sends to the
 *      daemon); unpackContext() is the safe inverse on the receiving side.
 *   5. resolveSource() expands a COPY/ADD source (wildcards included) to context entries.
 */
import type { Readable } from 'node:stream';
import type { SourceRange } from '../errors.ts';
import type { PatternMatcher } from './pattern-matcher.ts';

export type IgnorePattern = {
  /** The cleaned pattern as the matcher sees it, "!" kept for exceptions. */
  pattern: string;
  exclusion: boolean;
  /** 1-based line in the ignore file. */
  line: number;
  /** The line as written. */
  text: string;
};

export type IgnoreFile = { path: string; patterns: IgnorePattern[] };

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

export type ContextEntry = {
  /** Slash-separated, relative to the context root ("src/app.js"). */
  path: string;
  absPath: string;
  type: EntryType;
  /** Bytes of content for files; 0 otherwise. */
  size: number;
  mode: number;
  mtimeMs: number;
  uid: number;
  gid: number;
  /** For symlinks: the link text, never followed. */
  linkTarget?: string;
};

/** Something the ignore file removed: a file, or a whole directory that was not opened. */
export type ExcludedEntry = {
  path: string;
  type: EntryType;
  bytes: number;
  /** Non-directory entries left out (files and symlinks). */
  files: number;
  /** The pattern that decided (last match wins). */
  pattern: IgnorePattern | null;
};

export type SizeSummary = { path: string; type: EntryType; bytes: number; files: number };

export type ContextReport = {
  root: string;
  ignoreFile: string | null;
  patterns: IgnorePattern[];
  /** Bytes of file content that would be sent. */
  totalBytes: number;
  /** Regular files (and the rare fifo/socket); symlinks and directories are counted apart. */
  fileCount: number;
  dirCount: number;
  symlinkCount: number;
  /** Top-level entries (".git", "node_modules", "app.log"...) by bytes, biggest first. */
  topLevel: SizeSummary[];
  /** The biggest files anywhere in the context. */
  biggestFiles: SizeSummary[];
  excluded: {
    totalBytes: number;
    fileCount: number;
    byPattern: { pattern: string; line: number; bytes: number; files: number }[];
    byTopLevel: SizeSummary[];
  };
};

export type ResolvedSource = {
  /** Context-relative path of the match. */
  path: string;
  absPath: string;
  type: EntryType;
  /** True when .dockerignore excludes it (BuildKit would not find it). */
  excluded: boolean;
};

export type ResolveOptions = {
  /** Where the source comes from, for error messages ("COPY", line range, Dockerfile name). */
  instruction?: string;
  range?: SourceRange;
  file?: string;
  /** Allow matches that .dockerignore excludes (default false: they count as missing). */
  includeExcluded?: boolean;
};

export interface BuildContext {
  readonly root: string;
  readonly ignoreFile: IgnoreFile | null;
  readonly matcher: PatternMatcher;
  /** Would `relPath` (or one of its parents) be left out by the ignore file? */
  isExcluded(relPath: string): boolean;
  walk(opts?: { onExcluded?: (e: ExcludedEntry) => void; measureExcluded?: boolean }): AsyncGenerator<ContextEntry>;
  /**
   * Sums the walk. `measureExcluded` (default true) also walks the directories the ignore
   * file skipped, only to tell how big they are; pass false when only the totals matter.
   */
  report(opts?: { top?: number; measureExcluded?: boolean }): Promise<ContextReport>;
  resolveSource(src: string, opts?: ResolveOptions): Promise<ResolvedSource[]>;
  tar(): Readable;
}

export { openContext } from './directory-context.ts';
export { PatternMatcher, matchesOrParentMatches, excludedByWalk } from './pattern-matcher.ts';
export { parseIgnoreFile, loadIgnoreFile } from './ignore-file.ts';
export { walkContext } from './context-walker.ts';
export { resolveSource } from './resolve-source.ts';
export { limitContextBytes, packContext, unpackContext, type UnpackOptions, type UnpackResult } from './context-tar.ts';
export { humanSize } from './human-size.ts';
export { contextRelative, escapesRoot } from './paths.ts';
