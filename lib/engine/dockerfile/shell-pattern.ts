// The pattern half of ${V#p} ${V%p} ${V/p/r}: shell wildcards (`*`, `?`, `\` escapes, no
// bracket expressions) turned into a regular expression, the way BuildKit's lexer does it.
import { codePointWidth } from './unicode.ts';

export class PatternError extends Error {}

/** `*` -> `.*` (greedy) or `.*?`, `?` -> `.`, regex metacharacters escaped. */
export function shellPatternToRegex(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const chars = Array.from(pattern);
  let out = anchored ? '^' : '';
  const star = greedy ? '.*' : '.*?';
  for (let i = 0; i < chars.length; i++) {
    const tok = chars[i];
    switch (tok) {
      case '*':
        out += star;
        continue;
      case '?':
        out += '.';
        continue;
      case '\\': {
        const peek = chars[i + 1];
        // `}` and `/` had to be escaped inside ${}; the escape is not part of the pattern.
        if (peek === '}' || peek === '/') continue;
        const next = chars[++i];
        if (next !== '*' && next !== '?' && next !== '\\') {
          throw new PatternError(`invalid escape '\\${next ?? ''}'`);
        }
        out += '\\' + next;
        continue;
      }
      case '[': case ']': case '{': case '}': case '.': case '+': case '(': case ')': case '|':
      case '^': case '$':
        out += '\\' + tok;
        continue;
    }
    out += tok;
  }
  return new RegExp(out, 'gu');
}

/** Reverse a pattern, keeping `\x` escapes in front of the character they escape. */
export function reversePattern(pattern: string): string {
  const runes = Array.from(pattern);
  const out: string[] = new Array(runes.length);
  const last = runes.length - 1;
  for (let i = 0; i <= last; ) {
    const tok = runes[i];
    const o = last - i;
    if (tok === '\\' && i !== last) {
      out[o - 1] = tok;
      out[o] = runes[i + 1];
      i += 2;
    } else {
      out[o] = tok;
      i++;
    }
  }
  return out.join('');
}

export function reverseString(s: string): string {
  return Array.from(s).reverse().join('');
}

function firstMatch(re: RegExp, value: string): [number, number] | undefined {
  re.lastIndex = 0;
  const m = re.exec(value);
  return m ? [m.index, m.index + m[0].length] : undefined;
}

/** ${V#p} / ${V##p}: drop the shortest/longest matching prefix. */
export function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const re = wrap(pattern, () => shellPatternToRegex(pattern, greedy, true));
  const idx = firstMatch(re, value);
  return idx ? value.slice(idx[1]) : value;
}

/** ${V%p} / ${V%%p}: reverse both so the shortest suffix becomes a leftmost prefix. */
export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverseString(trimPrefix(reversePattern(pattern), reverseString(value), greedy));
}

/** ${V/p/r} and ${V//p/r}. */
export function replacePattern(value: string, pattern: string, replacement: string, all: boolean): string {
  const re = wrap(pattern, () => shellPatternToRegex(pattern, true, false));
  if (!all) {
    const idx = firstMatch(re, value);
    return idx ? value.slice(0, idx[0]) + replacement + value.slice(idx[1]) : value;
  }
  return goReplaceAll(re, value, replacement);
}

function wrap(pattern: string, build: () => RegExp): RegExp {
  try {
    return build();
  } catch (err) {
    throw new PatternError(`invalid pattern (${pattern}) in substitution: ${(err as Error).message}`);
  }
}

/**
 * Go's Regexp.ReplaceAllString: an empty match right after a previous match is not replaced,
 * and `$name` in the replacement is a (here always empty) group reference, `$$` a dollar.
 */
function goReplaceAll(re: RegExp, src: string, template: string): string {
  const repl = expandTemplate(template);
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    re.lastIndex = searchPos;
    const m = re.exec(src);
    if (!m) break;
    const a0 = m.index;
    const a1 = a0 + m[0].length;
    out += src.slice(lastMatchEnd, a0);
    if (a1 > lastMatchEnd || a0 === 0) out += repl;
    lastMatchEnd = a1;
    const width = searchPos < src.length ? codePointWidth(src, searchPos) : 0;
    if (searchPos + width > a1) searchPos += width;
    else if (searchPos + 1 > a1) searchPos++;
    else searchPos = a1;
  }
  return out + src.slice(lastMatchEnd);
}

/** Go's Regexp.Expand for a regex without capture groups. */
function expandTemplate(template: string): string {
  let out = '';
  let rest = template;
  for (;;) {
    const i = rest.indexOf('$');
    if (i < 0) break;
    out += rest.slice(0, i);
    rest = rest.slice(i + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const m = /^(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/.exec(rest);
    if (!m) {
      out += '$';
      continue;
    }
    rest = rest.slice(m[0].length); // any group reference expands to nothing here
  }
  return out + rest;
}
