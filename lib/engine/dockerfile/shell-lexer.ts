// BuildKit's shell lexer (frontend/dockerfile/shell/lex.go) rewritten: variable expansion,
// quote removal and word splitting for Dockerfile words. It mimics a POSIX shell closely but
// not fully: no command substitution, no globbing, no ${#V}; see the README for the forms.
import { ExpansionBudget, formatSize, type FrontendLimits } from './limits.ts';
import { PatternError, PatternLimitError, replacePattern, trimPrefix, trimSuffix } from './shell-pattern.ts';
import { envMap, EOF, RuneScanner, Words, type Env } from './shell-words.ts';
import { goQuote, isDigit, isLetter } from './unicode.ts';

export { envMap, type Env };

export interface LexerOptions {
  /** Keep quote characters in the result (used to detect quoted heredoc delimiters). */
  rawQuotes?: boolean;
  /** Keep escape characters in the result. */
  rawEscapes?: boolean;
  /** Treat quotes as ordinary characters (heredoc bodies). */
  skipProcessQuotes?: boolean;
  /** Leave references to unset variables as written (`$X`, `${X:-w}`). */
  skipUnsetEnv?: boolean;
  /** Windows rules: variable names compare case-insensitively. */
  caseInsensitiveEnv?: boolean;
  /** Shared total for every expansion of one Dockerfile (limits.ts); a fresh one per lexer if absent. */
  budget?: ExpansionBudget;
}

export interface ExpansionResult {
  /** The word after expansion and quote removal. */
  result: string;
  /** The same, split into words (ProcessWords). */
  words: string[];
  /** Variable names that were set. */
  matched: Set<string>;
  /** Variable names that were referenced but not set. */
  unmatched: Set<string>;
}

/** Error raised by expansion; the message is BuildKit's ("failed to process ...: ..."). */
export class ExpansionError extends Error {
  /** Set when a limit of limits.ts tripped (the message then says what, not BuildKit's text). */
  limit?: keyof FrontendLimits;
}

function limitTripped(limit: keyof FrontendLimits, message: string): ExpansionError {
  const err = new ExpansionError(message);
  err.limit = limit;
  return err;
}

const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

export class ShellLexer {
  readonly budget: ExpansionBudget;
  constructor(
    readonly escapeToken: string = '\\',
    readonly options: LexerOptions = {},
  ) {
    this.budget = options.budget ?? new ExpansionBudget();
  }

  /** Expand `word` against `env`; throws ExpansionError for malformed input or a tripped limit. */
  process(word: string, env: Env): ExpansionResult {
    const run = new LexRun(this, word, envMap(env));
    let result: string;
    let words: string[];
    try {
      [result, words] = run.processStopOn(EOF, !!this.options.rawEscapes);
    } catch (err) {
      if (err instanceof ExpansionError && err.limit) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      throw new ExpansionError(`failed to process ${goQuote(word)}: ${msg}`);
    }
    if (!this.budget.charge(result.length)) {
      const total = formatSize(this.budget.limits.expansionTotalChars);
      throw limitTripped('expansionTotalChars', `takes the variable expansions of this Dockerfile past ${total} characters in total`);
    }
    return { result, words, matched: run.matches, unmatched: run.nonmatches };
  }

  processWord(word: string, env: Env): string {
    return this.process(word, env).result;
  }

  processWords(word: string, env: Env): string[] {
    return this.process(word, env).words;
  }
}

/** State of one expansion (BuildKit's shellWord). */
class LexRun {
  readonly matches = new Set<string>();
  readonly nonmatches = new Set<string>();
  private readonly scanner: RuneScanner;
  private rawEscapes: boolean;
  private readonly esc: string;
  private readonly opt: LexerOptions;
  private readonly maxChars: number;
  private readonly maxDepth: number;
  private depth = 0;

  constructor(
    lexer: ShellLexer,
    word: string,
    private readonly env: Map<string, string>,
  ) {
    this.scanner = new RuneScanner(word);
    this.opt = lexer.options;
    this.rawEscapes = !!lexer.options.rawEscapes;
    this.esc = lexer.escapeToken;
    this.maxChars = lexer.budget.limits.expansionChars;
    this.maxDepth = lexer.budget.limits.expansionDepth;
  }

  /** `a + b`, refused by length arithmetic before the longer string exists. */
  private grow(a: string, b: string): string {
    if (a.length + b.length > this.maxChars) throw this.tooLong();
    return a + b;
  }

  private tooLong(): ExpansionError {
    return limitTripped(
      'expansionChars',
      `expands to more than ${formatSize(this.maxChars)} characters; a variable that doubles itself (A=$A$A) grows exponentially`,
    );
  }

  processStopOn(stopChar: string, rawEscapes: boolean): [string, string[]] {
    let result = '';
    const words = new Words();
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      if (++this.depth > this.maxDepth) {
        throw limitTripped('expansionDepth', `nests \${...} more than ${this.maxDepth} levels deep`);
      }
      const sc = this.scanner;
      while (sc.peek() !== EOF) {
        let ch = sc.peek();
        if (stopChar !== EOF && ch === stopChar) {
          sc.next();
          return [result, words.getWords()];
        }
        const special = this.special(ch);
        if (special) {
          const tmp = special();
          result = this.grow(result, tmp);
          if (ch === '$') words.addString(tmp);
          else words.addRawString(tmp);
          continue;
        }
        ch = sc.next();
        if (ch === this.esc) {
          if (this.rawEscapes) {
            words.addRawChar(ch);
            result += ch;
          }
          ch = sc.next();
          if (ch === EOF) break;
          words.addRawChar(ch);
        } else {
          words.addChar(ch);
        }
        result = this.grow(result, ch);
      }
      if (stopChar !== EOF) {
        throw new Error(`unexpected end of statement while looking for matching ${stopChar}`);
      }
      return [result, words.getWords()];
    } finally {
      this.rawEscapes = saved;
      this.depth--;
    }
  }

  private special(ch: string): (() => string) | undefined {
    if (ch === '$') return () => this.processDollar();
    if (ch === '<') return () => this.processPossibleHeredoc();
    if (this.opt.skipProcessQuotes) return undefined;
    if (ch === "'") return () => this.processSingleQuote();
    if (ch === '"') return () => this.processDoubleQuote();
    return undefined;
  }

  private processSingleQuote(): string {
    const sc = this.scanner;
    let result = '';
    let ch = sc.next();
    if (this.opt.rawQuotes) result += ch;
    for (;;) {
      ch = sc.next();
      if (ch === EOF) throw new Error('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") {
        if (this.opt.rawQuotes) result += ch;
        return result;
      }
      result += ch;
    }
  }

  private processDoubleQuote(): string {
    const sc = this.scanner;
    let result = '';
    let ch = sc.next();
    if (this.opt.rawQuotes) result += ch;
    for (;;) {
      const peek = sc.peek();
      if (peek === EOF) throw new Error('unexpected end of statement while looking for matching double-quote');
      if (peek === '"') {
        ch = sc.next();
        if (this.opt.rawQuotes) result += ch;
        return result;
      }
      if (peek === '$') {
        result = this.grow(result, this.processDollar());
        continue;
      }
      ch = sc.next();
      if (ch === this.esc) {
        if (this.rawEscapes) result += ch;
        const after = sc.peek();
        if (after === EOF) continue; // a trailing escape is dropped; the loop then fails
        if (after === '"' || after === '$' || after === this.esc) ch = sc.next();
      }
      result = this.grow(result, ch);
    }
  }

  /** `<<` keeps the blanks after it in the same word, so `<< EOF` stays one heredoc word. */
  private processPossibleHeredoc(): string {
    const sc = this.scanner;
    sc.next();
    if (sc.peek() !== '<') return '<';
    sc.next();
    let space = '';
    while (sc.peek() === ' ' || sc.peek() === '\t' || sc.peek() === '\r') space += sc.next();
    return '<<' + space;
  }

  private processDollar(): string {
    const sc = this.scanner;
    sc.next();
    if (sc.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      const [value, found] = this.getEnv(name);
      if (!found && this.opt.skipUnsetEnv) return '$' + name;
      return value;
    }
    sc.next();
    const first = sc.peek();
    if (first === EOF) throw new Error("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new Error('syntax error: bad substitution');
    const name = this.processName();
    let ch = sc.next();
    let chs = ch;
    let nullIsUnset = false;
    switch (ch) {
      case '}': {
        const [value, set] = this.getEnv(name);
        if (!set && this.opt.skipUnsetEnv) return `\${${name}}`;
        return value;
      }
      case ':':
        nullIsUnset = true;
        ch = sc.next();
        chs += ch;
      // falls through
      case '+': case '-': case '?': case '#': case '%':
        return this.modifier(name, ch, chs, nullIsUnset);
      case '/':
        return this.substitute(name);
      default:
        throw new Error(`unsupported modifier (${chs}) in substitution`);
    }
  }

  private modifier(name: string, ch: string, chs: string, nullIsUnset: boolean): string {
    const sc = this.scanner;
    let word: string;
    try {
      [word] = this.processStopOn('}', ch === '#' || ch === '%');
    } catch (err) {
      if (sc.peek() === EOF) throw new Error("syntax error: missing '}'");
      throw err;
    }
    const [value, set] = this.getEnv(name);
    if (this.opt.skipUnsetEnv && !set) return `\${${name}${chs}${word}}`;
    switch (ch) {
      case '-':
        return !set || (nullIsUnset && value === '') ? word : value;
      case '+':
        return !set || (nullIsUnset && value === '') ? '' : word;
      case '?':
        if (!set) throw new Error(`${name}: ${word !== '' ? word : 'is not allowed to be unset'}`);
        if (nullIsUnset && value === '') throw new Error(`${name}: ${word !== '' ? word : 'is not allowed to be empty'}`);
        return value;
      case '%': case '#': {
        let greedy = false;
        if (word.length > 0 && word[0] === ch) {
          greedy = true;
          word = word.slice(1);
        }
        try {
          return ch === '%' ? trimSuffix(word, value, greedy) : trimPrefix(word, value, greedy);
        } catch (err) {
          if (err instanceof PatternError) throw new Error(err.message);
          throw err;
        }
      }
      default:
        throw new Error(`unsupported modifier (${chs}) in substitution`);
    }
  }

  private substitute(name: string): string {
    const sc = this.scanner;
    const all = sc.peek() === '/';
    if (all) sc.next();
    let pattern: string;
    let replacement: string;
    try {
      [pattern] = this.processStopOn('/', true);
    } catch (err) {
      if (sc.peek() === EOF) throw new Error("syntax error: missing '/' in ${}");
      throw err;
    }
    try {
      [replacement] = this.processStopOn('}', true);
    } catch (err) {
      if (sc.peek() === EOF) throw new Error("syntax error: missing '}'");
      throw err;
    }
    const [value, set] = this.getEnv(name);
    if (this.opt.skipUnsetEnv && !set) return `\${${name}/${pattern}/${replacement}}`;
    try {
      return replacePattern(value, pattern, replacement, all, this.maxChars);
    } catch (err) {
      if (err instanceof PatternLimitError) throw this.tooLong();
      if (err instanceof PatternError) throw new Error(err.message);
      throw err;
    }
  }

  /** A name: letters, digits, `_`; or all digits (positional); or one special parameter. */
  private processName(): string {
    const sc = this.scanner;
    let name = '';
    while (sc.peek() !== EOF) {
      const ch = sc.peek();
      if (name.length === 0 && isDigit(ch)) {
        while (sc.peek() !== EOF && isDigit(sc.peek())) name += sc.next();
        return name;
      }
      if (name.length === 0 && SPECIAL_PARAMS.has(ch)) return sc.next();
      if (!isLetter(ch) && !isDigit(ch) && ch !== '_') break;
      name += sc.next();
    }
    return name;
  }

  private getEnv(name: string): [string, boolean] {
    let value = this.env.get(name);
    if (value === undefined && this.opt.caseInsensitiveEnv) {
      const upper = name.toUpperCase();
      for (const [k, v] of this.env) {
        if (k.toUpperCase() === upper) {
          value = v;
          break;
        }
      }
    }
    if (value !== undefined) {
      this.matches.add(name);
      return [value, true];
    }
    this.nonmatches.add(name);
    return ['', false];
  }
}
