// Parser directives (`# syntax=`, `# escape=`, `# check=`) and the escape token they control.
import type { Directive, DirectiveName } from './index.ts';
import { trimLeftSpace } from './unicode.ts';

const VALID = new Set<DirectiveName>(['syntax', 'escape', 'check']);
const isGoSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r';

/**
 * BuildKit's `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`, written out by hand: a lazy group
 * followed by `\s*$` is quadratic in a backtracking engine on long blank runs.
 */
function matchDirective(s: string): [string, string] | undefined {
  let i = 0;
  if (!/[a-zA-Z]/.test(s[0] ?? '')) return undefined;
  while (i < s.length && /[a-zA-Z0-9]/.test(s[i])) i++;
  const name = s.slice(0, i);
  while (isGoSpace(s[i])) i++;
  if (s[i] !== '=') return undefined;
  i++;
  const afterEq = i;
  while (isGoSpace(s[i])) i++;
  let end = s.length;
  while (end > i && isGoSpace(s[end - 1])) end--;
  let value = s.slice(i, end);
  // (.+?) needs one character: with only blanks after `=`, the regex gives it the last blank.
  if (value === '' && s.length > afterEq) value = s[s.length - 1];
  if (value === '' || value.includes('\n')) return undefined;
  return [name, value];
}

/** Thrown for a repeated directive or an invalid escape token; the parser adds the line. */
export class DirectiveError extends Error {}

/**
 * Reads directives from the top of the file. Called with every processed line; the first line
 * that is not a well-formed, known directive ends the directive section for good.
 */
export class DirectiveParser {
  private line = 0;
  private done = false;
  private readonly seen = new Set<string>();
  readonly found: Directive[] = [];

  parseLine(line: string): Directive | undefined {
    this.line++;
    if (this.done) return undefined;
    if (!line.startsWith('#')) {
      this.done = true;
      return undefined;
    }
    const m = matchDirective(trimLeftSpace(line.slice(1)));
    if (!m) {
      this.done = true;
      return undefined;
    }
    const name = m[0].toLowerCase() as DirectiveName;
    if (!VALID.has(name)) {
      this.done = true;
      return undefined;
    }
    if (this.seen.has(name)) throw new DirectiveError(`only one ${name} parser directive can be used`);
    this.seen.add(name);
    const directive: Directive = { name, value: m[1], line: this.line };
    this.found.push(directive);
    return directive;
  }
}

/** The active escape token and the line-continuation rule that depends on it. */
export class EscapeState {
  token: '\\' | '`' = '\\';
  private continuation = makeContinuation('\\');

  set(value: string): void {
    if (value !== '`' && value !== '\\') {
      throw new DirectiveError(`invalid escape token '${value}' does not match \` or \\`);
    }
    this.token = value;
    this.continuation = makeContinuation(value);
  }

  /**
   * Strip a trailing escape token (plus blanks) that continues the line. Returns the line and
   * whether it was complete. A token preceded by another token (`\\`) does not continue.
   */
  trimContinuation(line: string): [string, boolean] {
    if (this.continuation.test(line)) return [line.replace(this.continuation, '$1'), false];
    return [line, true];
  }
}

function makeContinuation(token: string): RegExp {
  const t = token === '\\' ? '\\\\' : token;
  return new RegExp(`([^${t}])${t}[ \\t]*$|^${t}[ \\t]*$`);
}
