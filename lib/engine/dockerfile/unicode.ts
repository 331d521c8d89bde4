// Character classes and string quoting with Go's exact rules. BuildKit is written in Go, and
// its parser decides "is this a space?" or "how is this printed?" with Go's unicode and strconv
// packages; using JavaScript's \s or JSON.stringify instead would change results at the edges.

/** Go's unicode.IsSpace. */
export function isSpace(ch: string): boolean {
  switch (ch) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r': case '\u0085': case '\u00a0':
      return true;
  }
  return ch.length > 0 && ch.charCodeAt(0) > 0xff && /^\p{Zs}$|^[\u2028\u2029]$/u.test(ch);
}

/** Go's unicode.IsSpace for one byte taken as a rune (what BuildKit does when it indexes bytes). */
export function isSpaceByte(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d) || b === 0x85 || b === 0xa0;
}

/** Go's unicode.IsDigit (Nd). */
export function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9' ? true : ch.charCodeAt(0) > 0x7f && /^\p{Nd}$/u.test(ch);
}

/** Go's unicode.IsLetter. */
export function isLetter(ch: string): boolean {
  if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) return true;
  return ch.charCodeAt(0) > 0x7f && /^\p{L}$/u.test(ch);
}

/** strings.TrimLeftFunc(s, unicode.IsSpace) */
export function trimLeftSpace(s: string): string {
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (!isSpace(ch)) break;
    i += ch.length;
  }
  return s.slice(i);
}

/** strings.TrimRightFunc(s, unicode.IsSpace) */
export function trimRightSpace(s: string): string {
  let end = s.length;
  while (end > 0) {
    let start = end - 1;
    const low = s.charCodeAt(start);
    if (low >= 0xdc00 && low <= 0xdfff && start > 0) start--;
    if (!isSpace(s.slice(start, end))) break;
    end = start;
  }
  return s.slice(0, end);
}

/** strings.TrimSpace */
export function trimSpace(s: string): string {
  return trimRightSpace(trimLeftSpace(s));
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's strconv.Quote: double-quoted, Go escapes, printable Unicode kept as is. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') {
      out += '\\' + ch;
    } else if (cp === 0xfffd) {
      // Invalid UTF-8 decodes to U+FFFD; a real U+FFFD is printable in Go.
      out += ch;
    } else if (ch === ' ' || (cp >= 0x21 && cp < 0x7f)) {
      out += ch;
    } else if (cp >= 0x80 && cp !== 0xad && printable.test(ch)) {
      out += ch;
    } else {
      switch (ch) {
        case '\x07': out += '\\a'; break;
        case '\b': out += '\\b'; break;
        case '\f': out += '\\f'; break;
        case '\n': out += '\\n'; break;
        case '\r': out += '\\r'; break;
        case '\t': out += '\\t'; break;
        case '\v': out += '\\v'; break;
        default:
          if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
          else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
          else out += '\\U' + cp.toString(16).padStart(8, '0');
      }
    }
  }
  return out + '"';
}

/** Go's fmt %q of a []string: ["a" "b"]. */
export function goQuoteList(list: readonly string[]): string {
  return '[' + list.map(goQuote).join(' ') + ']';
}

/** Length in UTF-16 units of the code point starting at index i (1 past the end). */
export function codePointWidth(s: string, i: number): number {
  if (i >= s.length) return 1;
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}
