// Pieces of the shell lexer: the environment forms it accepts, a code-point scanner (Go's
// text/scanner Next/Peek) and the word collector that splits on unquoted white space.
import { isSpace } from './unicode.ts';

/** An environment: `KEY=value` strings (last wins), a record or a map. */
export type Env = readonly string[] | Readonly<Record<string, string>> | ReadonlyMap<string, string>;

/** Turn any Env form into a lookup map (`KEY=value` list: last wins, `KEY` alone is empty). */
export function envMap(env: Env): Map<string, string> {
  if (env instanceof Map) return env as Map<string, string>;
  const out = new Map<string, string>();
  if (Array.isArray(env)) {
    for (const e of env as readonly string[]) {
      const i = e.indexOf('=');
      if (i < 0) out.set(e, '');
      else out.set(e.slice(0, i), e.slice(i + 1));
    }
    return out;
  }
  for (const [k, v] of Object.entries(env as Record<string, string>)) out.set(k, v);
  return out;
}

/** What the scanner returns at the end of input. */
export const EOF = '';

/** Reads a string one Unicode code point at a time (Go's text/scanner Next/Peek). */
export class RuneScanner {
  private pos = 0;
  private readonly runes: string[];
  constructor(src: string) {
    this.runes = Array.from(src);
  }
  peek(): string {
    return this.pos < this.runes.length ? this.runes[this.pos] : EOF;
  }
  next(): string {
    return this.pos < this.runes.length ? this.runes[this.pos++] : EOF;
  }
}

/** Any character isSpace accepts (Go's unicode.IsSpace). */
const ANY_SPACE = /[\t\n\v\f\r\u0085\u2028\u2029\p{Zs}]/u;

/** Collects characters into words, splitting on unquoted white space. */
export class Words {
  word = '';
  words: string[] = [];
  inWord = false;
  addChar(ch: string): void {
    if (isSpace(ch) && this.inWord) {
      if (this.word.length !== 0) {
        this.words.push(this.word);
        this.word = '';
        this.inWord = false;
      }
    } else if (!isSpace(ch)) {
      this.addRawChar(ch);
    }
  }
  addRawChar(ch: string): void {
    this.word += ch;
    this.inWord = true;
  }
  addString(s: string): void {
    // No white space in it (the usual variable value): one append, not one per character.
    if (s.length > 0 && !ANY_SPACE.test(s)) return this.addRawString(s);
    for (const ch of s) this.addChar(ch);
  }
  addRawString(s: string): void {
    this.word += s;
    this.inWord = true;
  }
  getWords(): string[] {
    if (this.word.length > 0) {
      this.words.push(this.word);
      this.word = '';
      this.inWord = false;
    }
    return this.words;
  }
}

