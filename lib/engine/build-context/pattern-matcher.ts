// .dockerignore pattern matching with moby/patternmatcher's semantics (our own code).
// A pattern is compiled lazily into one of four forms: exact, prefix ("dir/**"), suffix
// ("**/name") or a regular expression. Patterns are checked in order; the last one that
// matches decides, and "!" patterns re-include what an earlier pattern excluded.
import { EngineError, ErrorCodes } from '../errors.ts';
import { cleanPath } from './paths.ts';

type MatchKind = 'unknown' | 'exact' | 'prefix' | 'suffix' | 'regexp';

/** Characters that are special in a regexp but plain in a file pattern. */
const REGEXP_ONLY = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);
/** Backslash sequences that Go's regexp (RE2) reads as classes or assertions. */
const RE2_CLASS_ESCAPES = new Set(['d', 'D', 's', 'S', 'w', 'W', 'b', 'B']);

export class Pattern {
  readonly cleaned: string;
  readonly exclusion: boolean;
  /** Index in the original pattern list (for reporting which line excluded what). */
  readonly index: number;
  private kind: MatchKind = 'unknown';
  private regexp: RegExp | null = null;

  constructor(cleaned: string, exclusion: boolean, index: number) {
    this.cleaned = cleaned;
    this.exclusion = exclusion;
    this.index = index;
  }

  toString(): string {
    return this.cleaned;
  }

  match(path: string): boolean {
    if (this.kind === 'unknown') this.compile();
    switch (this.kind) {
      case 'exact':
        return path === this.cleaned;
      case 'prefix':
        return path.startsWith(this.cleaned.slice(0, -2));
      case 'suffix': {
        const suffix = this.cleaned.slice(2);
        if (path.endsWith(suffix)) return true;
        // "**/foo" also matches "foo" itself
        return suffix[0] === '/' && path === suffix.slice(1);
      }
      case 'regexp':
        return this.regexp!.test(path);
      default:
        return false;
    }
  }

  private compile(): void {
    const chars = Array.from(this.cleaned);
    let re = '^';
    let kind: MatchKind = 'exact';
    let i = 0; // counts scanner steps, like the reference implementation
    for (let pos = 0; pos < chars.length; i++) {
      const ch = chars[pos++];
      if (ch === '*') {
        if (chars[pos] === '*') {
          pos++;
          if (chars[pos] === '/') pos++; // "**/" behaves like "**"
          if (pos >= chars.length) {
            if (kind === 'exact') kind = 'prefix';
            else {
              re += '.*';
              kind = 'regexp';
            }
          } else {
            re += '(.*/)?';
            kind = 'regexp';
          }
          if (i === 0) kind = 'suffix';
        } else {
          re += '[^/]*';
          kind = 'regexp';
        }
      } else if (ch === '?') {
        re += '[^/]';
        kind = 'regexp';
      } else if (REGEXP_ONLY.has(ch)) {
        re += '\\' + ch;
      } else if (ch === '\\') {
        if (pos < chars.length) {
          re += escapeNext(chars[pos++]);
          kind = 'regexp';
        } else {
          re += '\\\\';
        }
      } else if (ch === '[' || ch === ']') {
        re += ch;
        kind = 'regexp';
      } else {
        re += ch;
      }
    }
    if (kind === 'regexp') {
      try {
        this.regexp = new RegExp(re + '$');
      } catch (err) {
        throw badPattern(this.cleaned, err);
      }
    }
    this.kind = kind;
  }
}

function escapeNext(c: string): string {
  if (/[A-Za-z0-9]/.test(c)) return RE2_CLASS_ESCAPES.has(c) ? '\\' + c : c;
  if (/[\^$\\.*+?()[\]{}|/-]/.test(c)) return '\\' + c;
  return c;
}

function badPattern(pattern: string, cause?: unknown): EngineError {
  return new EngineError(
    ErrorCodes.INVALID_PATTERN,
    `invalid .dockerignore pattern "${pattern}": syntax error in pattern (check [ ] classes and trailing backslashes)`,
    { cause },
  );
}

/**
 * The syntax check Go's filepath.Match performs: character classes must be closed and
 * non-empty, a range needs both ends, and a backslash must escape something.
 */
export function validateGlob(pattern: string): boolean {
  const s = Array.from(pattern);
  let i = 0;
  const readChar = (): boolean => {
    // one class character, possibly escaped; '-' and ']' cannot start a range end
    if (i >= s.length || s[i] === '-' || s[i] === ']') return false;
    if (s[i] === '\\') {
      i++;
      if (i >= s.length) return false;
    }
    i++;
    return true;
  };
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') {
      if (i + 1 >= s.length) return false;
      i += 2;
    } else if (c === '[') {
      i++;
      if (s[i] === '^') i++;
      let ranges = 0;
      for (;;) {
        if (i < s.length && s[i] === ']' && ranges > 0) {
          i++;
          break;
        }
        if (!readChar()) return false;
        if (s[i] === '-') {
          i++;
          if (!readChar()) return false;
        }
        ranges++;
      }
    } else {
      i++;
    }
  }
  return true;
}

/** Per-pattern results for a directory, reused by its children (MatchesUsingParentResults). */
export type MatchInfo = { parentMatched: boolean[] };

export type MatchResult = {
  excluded: boolean;
  /** The pattern that decided the result (last match wins), or null when none matched. */
  decidedBy: Pattern | null;
};

export class PatternMatcher {
  readonly patterns: Pattern[] = [];
  /** True when at least one "!" pattern exists. */
  readonly exclusions: boolean = false;

  /** Builds a matcher; throws INVALID_PATTERN like moby's New() would. */
  constructor(patterns: string[]) {
    patterns.forEach((raw, index) => {
      let p = raw.trim();
      if (p === '') return;
      p = cleanPath(p);
      let exclusion = false;
      if (p[0] === '!') {
        if (p.length === 1) {
          throw new EngineError(ErrorCodes.INVALID_PATTERN, 'illegal exclusion pattern: "!" (a "!" must be followed by a path)');
        }
        exclusion = true;
        p = p.slice(1);
        (this as { exclusions: boolean }).exclusions = true;
      }
      if (!validateGlob(p)) throw badPattern(p);
      this.patterns.push(new Pattern(p, exclusion, index));
    });
  }

  /** Does `file` (or one of its parent directories) match, after all exceptions? */
  matchesOrParentMatches(file: string): boolean {
    return this.decide(file).excluded;
  }

  /** Like matchesOrParentMatches but tells which pattern decided. */
  decide(file: string): MatchResult {
    let matched = false;
    let decidedBy: Pattern | null = null;
    const parent = dirname(file);
    const parentDirs = parent.split('/');
    for (const pattern of this.patterns) {
      if (pattern.exclusion !== matched) continue;
      let match = pattern.match(file);
      if (!match && parent !== '.') {
        for (let i = 0; i < parentDirs.length && !match; i++) {
          match = pattern.match(parentDirs.slice(0, i + 1).join('/'));
        }
      }
      if (match) {
        matched = !pattern.exclusion;
        decidedBy = pattern;
      }
    }
    return { excluded: matched, decidedBy: matched ? decidedBy : null };
  }

  /** Only the path itself, no parent directories (MatchesExact). */
  matchesExact(file: string): boolean {
    let matched = false;
    for (const pattern of this.patterns) {
      if (pattern.exclusion !== matched) continue;
      if (pattern.match(file)) matched = !pattern.exclusion;
    }
    return matched;
  }

  /**
   * The walker's form: the caller passes the parent directory's MatchInfo so that a pattern
   * that matched the parent is not evaluated again. Pass null for a top-level path.
   */
  matchesUsingParentResults(file: string, parentInfo: MatchInfo | null): MatchResult & { info: MatchInfo } {
    const parentMatched = parentInfo?.parentMatched ?? [];
    const info: MatchInfo = { parentMatched: new Array(this.patterns.length).fill(false) };
    let matched = false;
    let decidedBy: Pattern | null = null;
    this.patterns.forEach((pattern, i) => {
      let match = parentMatched.length ? parentMatched[i] : false;
      if (!match) {
        if (pattern.exclusion !== matched) return;
        match = pattern.match(file);
        if (!match && !parentMatched.length) {
          const parent = dirname(file);
          if (parent !== '.') {
            const dirs = parent.split('/');
            for (let j = 0; j < dirs.length && !match; j++) match = pattern.match(dirs.slice(0, j + 1).join('/'));
          }
        }
      }
      info.parentMatched[i] = match;
      if (match) {
        matched = !pattern.exclusion;
        decidedBy = pattern;
      }
    });
    return { excluded: matched, decidedBy: matched ? decidedBy : null, info };
  }
}

/**
 * What the context walk decides for `file`: matchesUsingParentResults applied from the top
 * directory down. It differs from matchesOrParentMatches in rare cases (an exception that
 * matches a parent directory only after an earlier pattern excluded a deeper path), and it
 * is what BuildKit's walk actually sends, so COPY resolution must agree with it.
 */
export function excludedByWalk(pm: PatternMatcher, file: string): boolean {
  if (!pm.patterns.length) return false;
  const parts = file.split('/');
  let info: MatchInfo | null = null;
  let excluded = false;
  for (let i = 0; i < parts.length; i++) {
    const r = pm.matchesUsingParentResults(parts.slice(0, i + 1).join('/'), info);
    info = r.info;
    excluded = r.excluded;
  }
  return excluded;
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return p.slice(0, i);
}

/** The package-level helper: clean the path, never exclude the context root itself. */
export function matchesOrParentMatches(file: string, patterns: string[]): boolean {
  const pm = new PatternMatcher(patterns);
  const cleaned = cleanPath(file);
  if (cleaned === '.') return false;
  return pm.matchesOrParentMatches(cleaned);
}
