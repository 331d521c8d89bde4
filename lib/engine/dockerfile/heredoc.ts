// Heredocs: finding `<<EOF` words on a RUN/COPY/ADD line and reading their delimiter rules.
import type { Heredoc } from './index.ts';
import { ShellLexer } from './shell-lexer.ts';

// Go's \s is [\t\n\f\r ].
const HEREDOC_RE = /^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$/;

export class HeredocError extends Error {}

/**
 * Parse one word as a heredoc marker (`<<EOF`, `<<-'EOF'`, `3<<EOF`, `<< EOF`).
 * Returns undefined when the word is not a heredoc; throws for a malformed delimiter.
 */
export function parseHeredoc(word: string): Heredoc | undefined {
  const m = HEREDOC_RE.exec(word);
  if (!m) return undefined;
  const fd = m[1] === '' ? 0 : Number.parseInt(m[1], 10);
  const chomp = m[2] === '-';
  const rest = m[3];
  if (rest.length === 0) return undefined;

  // Lex the delimiter with and without raw quotes: if the quote counts differ, part of it was
  // quoted, and a quoted delimiter means "do not expand the body" (like sh).
  let words: string[];
  let raw: string[];
  try {
    words = new ShellLexer('\\', { skipUnsetEnv: true }).processWords(rest, []);
    if (words.length !== 1) return undefined;
    raw = new ShellLexer('\\', { skipUnsetEnv: true, rawQuotes: true }).processWords(rest, []);
  } catch (err) {
    throw new HeredocError((err as Error).message);
  }
  if (raw.length !== words.length) {
    throw new HeredocError(`internal lexing of heredoc produced inconsistent results: ${rest}`);
  }
  const quotes = (s: string) => s.split("'").length + s.split('"').length - 2;
  return {
    name: words[0],
    fileDescriptor: Number.isFinite(fd) ? fd : 0,
    expand: quotes(words[0]) === quotes(raw[0]),
    chomp,
    content: '',
  };
}

/** Every heredoc marker on an instruction line, in order. */
export function heredocsFromLine(line: string): Heredoc[] {
  let words: string[];
  try {
    words = new ShellLexer('\\', { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true }).processWords(line, []);
  } catch {
    words = [];
  }
  const docs: Heredoc[] = [];
  for (const word of words) {
    const doc = parseHeredoc(word);
    if (doc) docs.push(doc);
  }
  return docs;
}

/** `<<-`: remove leading tabs from every line of the body. */
export function chompHeredocContent(src: string): string {
  return src
    .split('\n')
    .map((l) => l.replace(/^\t+/, ''))
    .join('\n');
}
