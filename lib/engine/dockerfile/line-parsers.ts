// How each keyword splits the rest of its line into arguments (BuildKit's line_parsers.go and
// split_command.go). Nothing is validated or expanded here; quotes are kept as written.
import { goQuote, isSpace, isSpaceByte, trimLeftSpace, trimSpace } from './unicode.ts';

/** What a line parser produces for one instruction. */
export interface LineArgs {
  args: string[];
  json: boolean;
  /** ONBUILD: the rest of the line, to be parsed as an instruction of its own. */
  subLine?: string;
}

export class LineParseError extends Error {}

const WHITESPACE = /[\t\v\f\r ]+/;

export const NOT_STRING_ARRAY = 'when using JSON array syntax, arrays must be comprised of strings only';

type LineParser = (rest: string, escape: string) => LineArgs;

const none = (): LineArgs => ({ args: [], json: false });

/** Split `KEYWORD [--flags] rest` into its parts. */
export function splitCommand(line: string, escape: string): { keyword: string; flags: string[]; rest: string } {
  const trimmed = trimSpace(line);
  const m = WHITESPACE.exec(trimmed);
  if (!m) return { keyword: trimmed, flags: [], rest: '' };
  const keyword = trimmed.slice(0, m.index);
  const { rest, flags } = extractBuilderFlags(trimmed.slice(m.index + m[0].length), escape);
  return { keyword, flags, rest: trimSpace(rest) };
}

/**
 * Take the leading `--flag[=value]` words. Like BuildKit this walks UTF-8 bytes one at a time
 * (so non-ASCII flag values come out as each byte's Latin-1 character, as in BuildKit), honours
 * quotes and the escape token, and stops at the first word not starting with `--` or after `--`.
 */
export function extractBuilderFlags(line: string, escape: string): { rest: string; flags: string[] } {
  // Fast path: most lines have no flags at all.
  let first = 0;
  while (first < line.length && isSpaceByte(line.charCodeAt(first))) first++;
  if (!line.startsWith('--', first)) return { rest: line.slice(first), flags: [] };
  // An ASCII line is its own UTF-8 bytes; only other lines need a byte buffer.
  const ascii = /^[\x00-\x7f]*$/.test(line);
  const bytes: ArrayLike<number> = ascii ? asciiCodes(line) : Buffer.from(line, 'utf8');
  const rest = (pos: number) => (ascii ? line.slice(pos) : (bytes as Buffer).subarray(pos).toString('utf8'));
  const esc = escape.charCodeAt(0);
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let quote = 0;
  let blankOK = false;
  let ch = 0;
  const n = bytes.length;
  for (let pos = 0; pos <= n; pos++) {
    if (pos !== n) ch = bytes[pos];
    if (phase === 'spaces') {
      if (pos === n) break;
      if (isSpaceByte(ch)) continue;
      if (ch !== 0x2d || pos + 1 === n || bytes[pos + 1] !== 0x2d) return { rest: rest(pos), flags: words };
      phase = 'word';
    }
    if (pos === n) {
      if (word !== '--' && (blankOK || word.length > 0)) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpaceByte(ch)) {
        phase = 'spaces';
        if (word === '--') return { rest: rest(pos), flags: words };
        if (blankOK || word.length > 0) words.push(word);
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === 0x27 || ch === 0x22) {
        quote = ch;
        blankOK = true;
        phase = 'quote';
        continue;
      }
      if (ch === esc) {
        if (pos + 1 === n) continue;
        ch = bytes[++pos];
      }
      word += String.fromCharCode(ch);
      continue;
    }
    // inside quotes
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    if (ch === esc) {
      if (pos + 1 === n) {
        phase = 'word';
        continue;
      }
      ch = bytes[++pos];
    }
    word += String.fromCharCode(ch);
  }
  return { rest: '', flags: words };
}

function asciiCodes(line: string): number[] {
  const out = new Array<number>(line.length);
  for (let i = 0; i < line.length; i++) out[i] = line.charCodeAt(i);
  return out;
}

/** Words separated by white space; quotes and escapes are kept (removed later by expansion). */
export function parseWords(rest: string, escape: string): string[] {
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  let blankOK = false;
  let sb = '';
  const runes = Array.from(rest);
  const n = runes.length;
  for (let pos = 0; pos <= n; pos++) {
    let ch = pos < n ? runes[pos] : '';
    if (phase === 'spaces') {
      if (pos === n) break;
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if (pos === n) {
      if (blankOK || sb.length > 0) words.push(sb);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (blankOK || sb.length > 0) words.push(sb);
        sb = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = 'quote';
      }
      if (ch === escape) {
        if (pos + 1 === n) continue; // an escape token at the very end is dropped
        sb += ch;
        ch = runes[++pos];
      }
      sb += ch;
      continue;
    }
    if (ch === quote) phase = 'word';
    if (ch === escape && quote !== "'") {
      if (pos + 1 === n) {
        phase = 'word';
        continue;
      }
      sb += ch;
      ch = runes[++pos];
    }
    sb += ch;
  }
  return words;
}

/** ENV / LABEL: `key value` (legacy, one pair) or `k=v k2=v2 ...`; args come in triples. */
function parseNameVal(rest: string, escape: string, keyword: string): LineArgs {
  const words = parseWords(rest, escape);
  if (words.length === 0) return none();
  if (!words[0].includes('=')) {
    const m = WHITESPACE.exec(rest);
    if (!m) throw new LineParseError(`${keyword} must have two arguments`);
    return { args: [rest.slice(0, m.index), rest.slice(m.index + m[0].length), ''], json: false };
  }
  const args: string[] = [];
  for (const word of words) {
    const i = word.indexOf('=');
    if (i < 0) throw new LineParseError(`Syntax error - can't find = in ${goQuote(word)}. Must be of the form: name=value`);
    args.push(word.slice(0, i), word.slice(i + 1), '=');
  }
  return { args, json: false };
}

function parseStringsWhitespaceDelimited(rest: string): LineArgs {
  if (rest === '') return none();
  return { args: rest.split(WHITESPACE), json: false };
}

function parseString(rest: string): LineArgs {
  return rest === '' ? none() : { args: [rest], json: false };
}

/** A JSON array of strings, or undefined when `rest` is not valid JSON (shell form then). */
function parseJSON(rest: string): LineArgs | undefined {
  const text = trimLeftSpace(rest);
  if (!text.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  if (!value.every((v) => typeof v === 'string')) throw new LineParseError(NOT_STRING_ARRAY);
  // Go decodes a lone surrogate escape (\ud800) to U+FFFD; JSON.parse keeps it.
  const fixed = (value as string[]).map((v) => v.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
  return { args: fixed, json: true };
}

function parseMaybeJSON(rest: string): LineArgs {
  if (rest === '') return none();
  return parseJSON(rest) ?? { args: [rest], json: false };
}

function parseMaybeJSONToList(rest: string): LineArgs {
  return parseJSON(rest) ?? parseStringsWhitespaceDelimited(rest);
}

/** HEALTHCHECK: a type word (CMD, NONE...) then a command like CMD's. Byte-wise like BuildKit. */
function parseHealthConfig(rest: string): LineArgs {
  const bytes = Buffer.from(rest, 'utf8');
  let sep = 0;
  while (sep < bytes.length && !isSpaceByte(bytes[sep])) sep++;
  let next = sep;
  while (next < bytes.length && isSpaceByte(bytes[next])) next++;
  if (sep === 0) return none();
  const cmd = parseMaybeJSON(bytes.subarray(next).toString('utf8'));
  return { args: [bytes.subarray(0, sep).toString('utf8'), ...cmd.args], json: cmd.json };
}

const DISPATCH: Record<string, LineParser> = {
  add: parseMaybeJSONToList,
  arg: (rest, esc) => ({ args: parseWords(rest, esc), json: false }),
  cmd: parseMaybeJSON,
  copy: parseMaybeJSONToList,
  entrypoint: parseMaybeJSON,
  env: (rest, esc) => parseNameVal(rest, esc, 'ENV'),
  expose: parseStringsWhitespaceDelimited,
  from: parseStringsWhitespaceDelimited,
  healthcheck: parseHealthConfig,
  label: (rest, esc) => parseNameVal(rest, esc, 'LABEL'),
  maintainer: parseString,
  onbuild: (rest) => (rest === '' ? none() : { args: [], json: false, subLine: rest }),
  run: parseMaybeJSON,
  shell: parseMaybeJSON,
  stopsignal: parseString,
  user: parseString,
  volume: parseMaybeJSONToList,
  workdir: parseString,
};

/** Keywords the parser knows (BuildKit's dispatch table). */
export const KNOWN_KEYWORDS = Object.keys(DISPATCH);

/** Parse the rest of a line for `keyword`; unknown keywords keep one empty argument like BuildKit. */
export function parseLineArgs(keyword: string, rest: string, escape: string): LineArgs {
  const fn = DISPATCH[keyword.toLowerCase()];
  if (!fn) return { args: [''], json: false };
  return fn(rest, escape);
}
