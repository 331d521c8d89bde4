// Parser directives (`# syntax=`, `# escape=`, `# check=`) and the escape token they control.
import type { Directive, DirectiveName } from './index.ts';
import { trimLeftSpace } from './unicode.ts';

const VALID = new Set<DirectiveName>(['syntax', 'escape', 'check']);
// Go's \s is [\t\n\f\r ]; `.` does not match \n.
const DIRECTIVE_RE = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*([^\n]+?)[\t\n\f\r ]*$/;

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
    const m = DIRECTIVE_RE.exec(trimLeftSpace(line.slice(1)));
    if (!m) {
      this.done = true;
      return undefined;
    }
    const name = m[1].toLowerCase() as DirectiveName;
    if (!VALID.has(name)) {
      this.done = true;
      return undefined;
    }
    if (this.seen.has(name)) throw new DirectiveError(`only one ${name} parser directive can be used`);
    this.seen.add(name);
    const directive: Directive = { name, value: m[2], line: this.line };
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
