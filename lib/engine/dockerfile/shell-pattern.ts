// The pattern half of ${V#p} ${V%p} ${V/p/r}: shell wildcards (`*`, `?`, `\` escapes, no
// bracket expressions). BuildKit turns them into a Go regular expression; Go's regexp engine
// runs in linear time, JavaScript's backtracking one does not (`*a*a*a*b` would hang), so we
// match with a small automaton instead: same results, linear time per scan.

export class PatternError extends Error {}
/** The result of ${V//p/r} would pass the caller's length limit. */
export class PatternLimitError extends Error {}

type Token = { kind: 'star' } | { kind: 'any' } | { kind: 'lit'; ch: string };

/** Parse a pattern; `\*` `\?` `\\` are literals, `\}` `\/` drop the backslash. */
export function parsePattern(pattern: string): Token[] {
  const chars = Array.from(pattern);
  const out: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '*') out.push({ kind: 'star' });
    else if (c === '?') out.push({ kind: 'any' });
    else if (c === '\\') {
      const peek = chars[i + 1];
      if (peek === '}' || peek === '/') continue;
      const next = chars[++i];
      if (next !== '*' && next !== '?' && next !== '\\') throw new PatternError(`invalid escape '\\${next ?? ''}'`);
      out.push({ kind: 'lit', ch: next });
    } else out.push({ kind: 'lit', ch: c });
  }
  return out;
}

/** Set of automaton states (pattern positions), with the start index of the best thread. */
class Threads {
  readonly start = new Map<number, number>();
  constructor(private readonly toks: Token[]) {}
  add(state: number, start: number): void {
    const prev = this.start.get(state);
    if (prev !== undefined && prev <= start) return;
    this.start.set(state, start);
    if (state < this.toks.length && this.toks[state].kind === 'star') this.add(state + 1, start);
  }
}

function step(toks: Token[], cur: Threads, ch: string): Threads {
  const next = new Threads(toks);
  for (const [state, start] of cur.start) {
    if (state >= toks.length) continue;
    const t = toks[state];
    if (t.kind === 'star') {
      if (ch !== '\n') next.add(state, start);
    } else if (t.kind === 'any') {
      if (ch !== '\n') next.add(state + 1, start);
    } else if (t.ch === ch) next.add(state + 1, start);
  }
  return next;
}

/** Length (in code points) of the shortest or longest prefix of `runes` matching `toks`. */
function prefixMatch(toks: Token[], runes: string[], greedy: boolean): number | undefined {
  let cur = new Threads(toks);
  cur.add(0, 0);
  let best: number | undefined;
  for (let i = 0; ; i++) {
    if (cur.start.has(toks.length)) {
      if (!greedy) return i;
      best = i;
    }
    if (i === runes.length || cur.start.size === 0) return best;
    cur = step(toks, cur, runes[i]);
  }
}

/** Leftmost match at or after `from`, longest at that start: [start, end] in code points. */
function findMatch(toks: Token[], runes: string[], from: number): [number, number] | undefined {
  let cur = new Threads(toks);
  let bestStart = Infinity;
  let bestEnd = -1;
  for (let i = from; ; i++) {
    if (i < bestStart) cur.add(0, i); // a new thread may start here while no earlier match exists
    const acc = cur.start.get(toks.length);
    if (acc !== undefined && (acc < bestStart || (acc === bestStart && i > bestEnd))) {
      bestStart = acc;
      bestEnd = i;
    }
    if (i === runes.length) break;
    cur = step(toks, cur, runes[i]);
    if (cur.start.size === 0 && bestEnd >= 0) break;
  }
  return bestEnd >= 0 ? [bestStart, bestEnd] : undefined;
}

function wrap<T>(pattern: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PatternError) throw new PatternError(`invalid pattern (${pattern}) in substitution: ${err.message}`);
    throw err;
  }
}

/** ${V#p} / ${V##p}: drop the shortest/longest matching prefix. */
export function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  return wrap(pattern, () => {
    const runes = Array.from(value);
    const n = prefixMatch(parsePattern(pattern), runes, greedy);
    return n === undefined ? value : runes.slice(n).join('');
  });
}

/** ${V%p} / ${V%%p}: the same on the reversed pattern and value. */
export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return wrap(pattern, () => {
    const runes = Array.from(value).reverse();
    const n = prefixMatch(parsePattern(pattern).reverse(), runes, greedy);
    return n === undefined ? value : runes.slice(n).reverse().join('');
  });
}

/** ${V/p/r} and ${V//p/r} (greedy). ${V//p/r} follows Go's ReplaceAllString rules. */
export function replacePattern(value: string, pattern: string, replacement: string, all: boolean, maxLength = Infinity): string {
  return wrap(pattern, () => {
    const toks = parsePattern(pattern);
    const runes = Array.from(value);
    if (!all) {
      const m = findMatch(toks, runes, 0);
      if (m && value.length + replacement.length > maxLength) throw new PatternLimitError();
      return m ? runes.slice(0, m[0]).join('') + replacement + runes.slice(m[1]).join('') : value;
    }
    const repl = expandTemplate(replacement);
    let out = '';
    let lastMatchEnd = 0;
    let searchPos = 0;
    while (searchPos <= runes.length) {
      const m = findMatch(toks, runes, searchPos);
      if (!m) break;
      out += runes.slice(lastMatchEnd, m[0]).join('');
      if (m[1] > lastMatchEnd || m[0] === 0) {
        if (out.length + repl.length > maxLength) throw new PatternLimitError();
        out += repl;
      }
      lastMatchEnd = m[1];
      // Always advance at least one character; an empty match right after a match is skipped.
      searchPos = searchPos + 1 > m[1] ? searchPos + 1 : m[1];
    }
    return out + runes.slice(lastMatchEnd).join('');
  });
}

/** Go's Regexp.Expand for a regex without capture groups: `$$` is `$`, `$name` is empty. */
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
    rest = rest.slice(m[0].length);
  }
  return out + rest;
}
