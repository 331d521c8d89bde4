// `# check=skip=RuleA,RuleB;error=true` (BuildKit's check directive).
import type { Directive } from '../dockerfile/index.ts';

export type CheckDirective = { skipAll: boolean; skip: Set<string>; error: boolean; experimental: Set<string> };

export function parseCheckDirective(directives: Directive[] | string): CheckDirective {
  const out: CheckDirective = { skipAll: false, skip: new Set(), error: false, experimental: new Set() };
  const values = typeof directives === 'string' ? [directives] : directives.filter((d) => d.name === 'check').map((d) => d.value);
  for (const value of values) {
    for (const part of value.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      const key = part.slice(0, eq).trim().toLowerCase();
      const val = part.slice(eq + 1).trim();
      const list = val.split(',').map((s) => s.trim()).filter(Boolean);
      if (key === 'skip') {
        for (const r of list) {
          if (r.toLowerCase() === 'all') out.skipAll = true;
          else out.skip.add(r.toLowerCase());
        }
      } else if (key === 'error') {
        out.error = /^(1|t|true)$/i.test(val); // Go's strconv.ParseBool truths
      } else if (key === 'experimental') {
        for (const r of list) out.experimental.add(r.toLowerCase());
      }
    }
  }
  return out;
}
