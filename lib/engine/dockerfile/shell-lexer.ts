// Stub: filled in by the shell lexer implementation commit.
/** An environment: `KEY=value` strings (last wins), a record or a map. */
export type Env = readonly string[] | Readonly<Record<string, string>> | ReadonlyMap<string, string>;

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

export class ShellLexer {
  constructor(
    readonly escapeToken: string = '\\',
    readonly options: LexerOptions = {},
  ) {}

  process(word: string, env: Env): ExpansionResult {
    void word;
    void env;
    throw new Error('not implemented yet');
  }

  processWord(word: string, env: Env): string {
    return this.process(word, env).result;
  }

  processWords(word: string, env: Env): string[] {
    return this.process(word, env).words;
  }
}
