// Runs the rule table over one text: keyword pre-check, regex, placeholder and entropy filters,
// one finding per (line, secret) — the most specific rule wins (table order) — masked at once.
import { createHmac, randomBytes } from 'node:crypto';
import { PLACEHOLDERS, RULES } from './rules.ts';
import { BINARY_SNIFF_BYTES, MAX_FINDINGS_PER_FILE, type SecretRule, type TextMatch } from './secrets.ts';

interface CompiledRule {
  rule: SecretRule;
  global: RegExp;
}

function compile(rules: SecretRule[]): CompiledRule[] {
  return rules.map((rule) => ({ rule, global: new RegExp(rule.regex.source, rule.regex.flags.includes('g') ? rule.regex.flags : `${rule.regex.flags}g`) }));
}

const DEFAULT = compile(RULES);

/** Bits per character. */
export function shannonEntropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  const n = [...s].length;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** The secret with its middle starred: "AKIA************MPLE", "gh***...", "h******". */
export function mask(secret: string): string {
  const s = secret.replace(/\s+/g, '');
  const n = s.length;
  const keep = n >= 20 ? 4 : n >= 12 ? 2 : n >= 8 ? 1 : 0;
  const head = keep ? s.slice(0, keep) : s.slice(0, 1);
  const tail = keep ? s.slice(n - keep) : '';
  return `${head}${'*'.repeat(Math.max(3, Math.min(n - head.length - tail.length, 24)))}${tail}`;
}

// keyed with a secret of this process: a stored fingerprint of a weak password cannot be
// checked against guesses by whoever reads the index file
const FINGERPRINT_KEY = randomBytes(32);

/** The same secret gives the same fingerprint whichever rule found it (within one process's reports). */
export function fingerprint(secret: string): string {
  return createHmac('sha256', FINGERPRINT_KEY).update(secret.replace(/\s+/g, '')).digest('hex').slice(0, 16);
}

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDERS.some((r) => r.test(value));
}

/** git's test: a NUL byte in the first 8000 bytes means binary. */
export function looksBinary(head: Buffer): boolean {
  return head.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

export interface ScanTextOptions {
  /** Path without leading slash, for rules limited to some files. */
  path?: string;
  rules?: SecretRule[];
  maxFindings?: number;
}

const compiledCache = new WeakMap<SecretRule[], CompiledRule[]>();

/** How far before a keyword a match may start, and after it end (a key body is longer). */
const BEFORE = 256;
const AFTER = 1024;

/** One case-insensitive pass for every keyword of a rule set (longest first). */
const keywordRes = new WeakMap<CompiledRule[], RegExp>();
function keywordRegex(compiled: CompiledRule[]): RegExp {
  let re = keywordRes.get(compiled);
  if (!re) {
    const words = [...new Set(compiled.flatMap((c) => c.rule.keywords))].sort((a, b) => b.length - a.length);
    re = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'gi');
    keywordRes.set(compiled, re);
  }
  return re;
}

/** Merged [start, end) windows around `hits`: from up to BEFORE characters back (not past the
 *  line's start) to the line's end (at most AFTER), or `reach` characters on for multi-line rules. */
export function keywordWindows(text: string, hits: number[], reach?: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const h of hits) {
    const lineStart = text.lastIndexOf('\n', h) + 1;
    const start = Math.max(lineStart, h - BEFORE);
    const nl = text.indexOf('\n', h);
    const end = reach ? Math.min(text.length, h + reach) : Math.min(nl < 0 ? text.length : nl, h + AFTER);
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/** Every finding in `text`, in line order. */
export function scanText(text: string, opts: ScanTextOptions = {}): TextMatch[] {
  let compiled = DEFAULT;
  if (opts.rules) {
    compiled = compiledCache.get(opts.rules) ?? compile(opts.rules);
    compiledCache.set(opts.rules, compiled);
  }
  const max = opts.maxFindings ?? MAX_FINDINGS_PER_FILE;
  // one pass finds every keyword; a rule runs only in windows around its own keywords' hits
  const hitsByRule = new Map<CompiledRule, number[]>();
  const kre = keywordRegex(compiled);
  kre.lastIndex = 0;
  for (let m = kre.exec(text); m; m = kre.exec(text)) {
    const word = m[0].toLowerCase();
    for (const c of compiled) {
      if (c.rule.keywords.some((k) => word.includes(k))) {
        const list = hitsByRule.get(c);
        if (list) list.push(m.index);
        else hitsByRule.set(c, [m.index]);
      }
    }
  }
  let lineStarts: number[] | undefined;
  const lineAt = (index: number) => {
    if (!lineStarts) {
      lineStarts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    }
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const seen = new Set<string>();
  const out: TextMatch[] = [];
  for (const c of compiled) {
    const { rule, global } = c;
    if (rule.path && !(opts.path !== undefined && rule.path.test(opts.path))) continue;
    // like gitleaks: the regex runs only around the keywords' occurrences, never over the whole text
    const hits = hitsByRule.get(c);
    if (!hits && rule.keywords.length) continue;
    const windows: Array<[number, number]> = hits ? keywordWindows(text, hits, rule.reach) : [[0, text.length]];
    for (const [start, end] of windows) {
      const win = text.slice(start, end);
      global.lastIndex = 0;
      for (let m = global.exec(win); m; m = global.exec(win)) {
        if (m[0].length === 0) global.lastIndex++;
        const secret = m.groups?.secret;
        if (!secret) continue;
        if (isPlaceholder(secret) || rule.allow?.some((r) => r.test(secret))) continue;
        if (rule.minEntropy && shannonEntropy(secret) < rule.minEntropy) continue;
        const line = lineAt(start + m.index + Math.max(0, m[0].indexOf(secret)));
        const dedupe = `${line}\0${secret}`;
        if (seen.has(dedupe)) continue;
        seen.add(dedupe);
        out.push({ rule, line, key: m.groups?.key || undefined, masked: mask(secret), fingerprint: fingerprint(secret) });
        if (out.length >= max) return out.sort((a, b) => a.line - b.line);
      }
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

/** `text` with every secret the rules find replaced by its masked form (for displaying history). */
export function redactSecrets(text: string, rules?: SecretRule[]): string {
  if (!text) return text;
  const compiled = rules ? compile(rules) : DEFAULT;
  const lower = text.toLowerCase();
  let out = text;
  for (const { rule, global } of compiled) {
    if (rule.keywords.length && !rule.keywords.some((k) => lower.includes(k))) continue;
    out = out.replace(global, (...args) => {
      const groups = args[args.length - 1] as Record<string, string> | undefined;
      const whole = args[0] as string;
      const secret = groups?.secret;
      if (!secret || isPlaceholder(secret) || rule.allow?.some((r) => r.test(secret))) return whole;
      if (rule.minEntropy && shannonEntropy(secret) < rule.minEntropy) return whole;
      return whole.replace(secret, mask(secret));
    });
  }
  return out;
}
