// Dockerfile text -> syntax tree (BuildKit's parser.Parse): physical lines are joined into
// logical lines (escape-token continuation, comments and blank lines inside dropped), each
// logical line becomes one InstructionNode, heredoc bodies are read after their line.
import { EngineError, ErrorCodes, type ErrorCode } from '../errors.ts';
import { DirectiveError, DirectiveParser, EscapeState } from './directives.ts';
import { HeredocError, heredocsFromLine } from './heredoc.ts';
import type { InstructionNode, ParseOptions, ParseResult, ParseWarning, SyntaxTree } from './index.ts';
import { exceedsBytes, formatSize, frontendLimits, limitError } from './limits.ts';
import { LineParseError, parseLineArgs, splitCommand } from './line-parsers.ts';
import { goQuote, goQuoteList, trimLeftSpace, trimSpace } from './unicode.ts';

/** bufio.Scanner's limit: a longer line makes BuildKit fail. */
const MAX_LINE_BYTES = 64 * 1024;
const HEREDOC_KEYWORDS = new Set(['add', 'copy', 'run']);

function fail(code: ErrorCode, message: string, start: number, end: number, file?: string, cause?: unknown): never {
  throw new EngineError(code, message, { range: { start, end: Math.max(start, end) }, file, cause });
}

/** Split into lines that keep their `\n` (bufio.Scanner with BuildKit's scanLines). */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl + 1;
    lines.push(text.slice(start, end));
    start = end;
  }
  return lines;
}

/** bytes.TrimRight(s, "\r\n") without a regex (a backtracking regex is quadratic on long \r runs). */
function trimNewline(s: string): string {
  let end = s.length;
  while (end > 0 && (s.charCodeAt(end - 1) === 10 || s.charCodeAt(end - 1) === 13)) end--;
  return s.slice(0, end);
}
/** The first non-blank character is `#` (no string copies: this runs on every line). */
function isComment(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x23) return true;
    if (c === 0x20 || c === 0x09) continue;
    if (c < 0x80 && !(c >= 0x0a && c <= 0x0d)) return false;
    return trimLeftSpace(s.slice(i)).startsWith('#');
  }
  return false;
}
const isEmptyContinuationLine = (s: string) => trimLeftSpace(trimNewline(s)).length === 0;

/** Build one node from a logical line (also used for ONBUILD's trigger). */
function nodeFromLine(line: string, escape: string, comments: string[], start: number, end: number): InstructionNode {
  const { keyword, flags, rest } = splitCommand(line, escape);
  const parsed = parseLineArgs(keyword, rest, escape);
  const node: InstructionNode = {
    keyword,
    flags,
    args: parsed.args,
    json: parsed.json,
    heredocs: [],
    original: line,
    comments,
    startLine: start,
    endLine: end,
  };
  if (parsed.subLine !== undefined) node.sub = nodeFromLine(parsed.subLine, escape, [], start, end);
  return node;
}

function canContainHeredoc(node: InstructionNode): boolean {
  const target = node.keyword.toLowerCase() === 'onbuild' && node.sub ? node.sub : node;
  return HEREDOC_KEYWORDS.has(target.keyword.toLowerCase()) && !target.json;
}

export function parseDockerfile(source: string | Uint8Array, opts: ParseOptions = {}): ParseResult {
  const file = opts.file;
  const limits = frontendLimits();
  const size = typeof source === 'string' ? (exceedsBytes(source, limits.dockerfileBytes) ? Buffer.byteLength(source) : 0) : source.byteLength;
  if (size > limits.dockerfileBytes) {
    throw limitError(`the Dockerfile is ${formatSize(size)} (${size} bytes); at most ${formatSize(limits.dockerfileBytes)} is accepted`, 'dockerfileBytes', undefined, file);
  }
  const text = typeof source === 'string' ? source : new TextDecoder('utf-8').decode(source);
  const lines = splitLines(text);
  const directives = new DirectiveParser();
  const escape = new EscapeState();
  const children: InstructionNode[] = [];
  const warnings: ParseWarning[] = [];
  let comments: string[] = [];
  let currentLine = 0;
  let i = 0;
  let stageCount = 0;

  const checkLength = (raw: string, lineNo: number) => {
    if (raw.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(raw, 'utf8') > MAX_LINE_BYTES) {
      fail(ErrorCodes.PARSE_ERROR, `dockerfile line greater than max allowed size of ${MAX_LINE_BYTES - 1}`, lineNo, lineNo, file);
    }
  };

  /** trimNewline, optional left trim, directive detection, comment removal. */
  const processLine = (raw: string, stripLeft: boolean, lineNo: number): [string, boolean] => {
    let token = trimNewline(raw);
    if (stripLeft) token = trimLeftSpace(token);
    let isDirective = false;
    try {
      const d = directives.parseLine(token);
      if (d?.name === 'escape') escape.set(d.value);
      isDirective = d !== undefined;
    } catch (err) {
      if (err instanceof DirectiveError) fail(ErrorCodes.PARSE_ERROR, err.message, lineNo, lineNo, file);
      throw err;
    }
    return [isComment(token) ? '' : token, isDirective];
  };

  while (i < lines.length) {
    let raw = lines[i++];
    checkLength(raw, currentLine + 1);
    if (currentLine === 0 && raw.startsWith('\ufeff')) raw = raw.slice(1);
    if (isComment(raw)) {
      const comment = trimSpace(raw.slice(1));
      if (comment === '') comments = [];
      else comments.push(comment);
    }
    const [first, isDirective] = processLine(raw, true, currentLine + 1);
    if (isDirective) comments = comments.slice(0, -1);
    currentLine++;

    const startLine = currentLine;
    let [buf, complete] = escape.trimContinuation(first);
    if (complete && buf.length === 0) continue;

    let emptyContinuation = false;
    while (!complete && i < lines.length) {
      const next = lines[i++];
      checkLength(next, currentLine + 1);
      const [processed] = processLine(next, false, currentLine + 1);
      currentLine++;
      if (isComment(next)) continue;
      if (isEmptyContinuationLine(processed)) {
        emptyContinuation = true;
        continue;
      }
      let part: string;
      [part, complete] = escape.trimContinuation(processed);
      if (buf.length + part.length > limits.lineChars) {
        const msg = `the instruction starting here is longer than ${formatSize(limits.lineChars)} characters once its continuation lines are joined`;
        throw limitError(msg, 'lineChars', { start: startLine, end: currentLine }, file);
      }
      buf += part;
    }
    const line = buf;

    if (emptyContinuation) {
      warnings.push({
        message: `Empty continuation line found in: ${line}`,
        rule: 'NoEmptyContinuation',
        url: 'https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/',
        range: { start: currentLine, end: currentLine },
      });
    }

    let node: InstructionNode;
    try {
      node = nodeFromLine(line, escape.token, comments, startLine, currentLine);
    } catch (err) {
      if (err instanceof LineParseError) fail(ErrorCodes.PARSE_ERROR, err.message, startLine, currentLine, file, err);
      throw err;
    }

    if (canContainHeredoc(node) && line.includes('<<')) {
      let docs;
      try {
        docs = heredocsFromLine(line);
      } catch (err) {
        if (err instanceof HeredocError) fail(ErrorCodes.PARSE_ERROR, err.message, startLine, currentLine, file, err);
        throw err;
      }
      for (const doc of docs) {
        let terminated = false;
        let content = '';
        while (i < lines.length) {
          const body = lines[i++];
          checkLength(body, currentLine + 1);
          currentLine++;
          let candidate = trimNewline(body);
          if (doc.chomp) candidate = candidate.replace(/^\t+/, '');
          if (candidate === doc.name) {
            terminated = true;
            break;
          }
          if (content.length + body.length > limits.heredocChars) {
            const msg = `heredoc <<${doc.name} is longer than ${formatSize(limits.heredocChars)} characters; COPY a file from the context instead`;
            throw limitError(msg, 'heredocChars', { start: startLine, end: currentLine }, file);
          }
          content += body;
        }
        if (!terminated) {
          fail(
            ErrorCodes.PARSE_ERROR,
            `unterminated heredoc: no line "${doc.name}" closes the heredoc started here`,
            startLine,
            currentLine,
            file,
          );
        }
        doc.content = content;
        node.heredocs.push(doc);
      }
    }

    if (children.length >= limits.instructions) {
      const msg = `more than ${limits.instructions} instructions; split the work into fewer, larger steps`;
      throw limitError(msg, 'instructions', { start: startLine, end: currentLine }, file);
    }
    if (node.keyword.toLowerCase() === 'from' && ++stageCount > limits.stages) {
      throw limitError(`more than ${limits.stages} stages (FROM lines)`, 'stages', { start: startLine, end: currentLine }, file);
    }
    node.startLine = startLine;
    node.endLine = currentLine;
    if (node.sub) {
      node.sub.startLine = startLine;
      node.sub.endLine = currentLine;
    }
    children.push(node);
    comments = [];
  }

  if (children.length === 0) {
    fail(
      ErrorCodes.EMPTY_DOCKERFILE,
      'file with no instructions: the Dockerfile is empty or only has comments; start it with FROM',
      Math.max(currentLine, 1),
      Math.max(currentLine, 1),
      file,
    );
  }

  const ast: SyntaxTree = {
    children,
    startLine: children[0].startLine,
    endLine: children[children.length - 1].endLine,
  };
  return { ast, directives: directives.found, escapeToken: escape.token, warnings, file };
}

/** One node in BuildKit's test format, without the surrounding parentheses. */
export function dumpNode(node: InstructionNode): string {
  let s = node.keyword.toLowerCase();
  if (node.flags.length > 0) s += ' ' + goQuoteList(node.flags);
  for (const arg of node.args) s += ' ' + goQuote(arg);
  if (node.sub) s += ' (' + dumpNode(node.sub) + ')';
  return trimSpace(s);
}

/** The whole tree in BuildKit's parser test format: one `(instruction ...)` per line. */
export function dumpTree(ast: SyntaxTree): string {
  return ast.children.map((n) => `(${dumpNode(n)})\n`).join('');
}
