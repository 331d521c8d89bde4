// Query strings of the analysis routes, both ways: the daemon parses what a client (the CLI,
// a web page's fetch) writes. Sizes accept "10MB"-style values; unknown values are refused.
import { EngineError } from '../errors.ts';
import { parseBytes } from './dive-units.ts';
import type { Change, ChildrenQuery, CompareQuery, EntryFilter, EntryType, Scope, SearchQuery } from './image-index.ts';

const CHANGES: Change[] = ['added', 'modified', 'deleted', 'opaque'];
const TYPES: EntryType[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'];

export function parseScope(v: string | null | undefined): Scope {
  if (!v || v === 'merged') return 'merged';
  if (!/^\d{1,4}$/.test(v)) throw new EngineError('INVALID_INPUT', `scope "${v}" is neither "merged" nor a layer number`);
  return Number(v);
}

function list<T extends string>(v: string | null, allowed: T[], what: string): T[] | undefined {
  if (!v) return undefined;
  const out = v.split(',').filter(Boolean);
  for (const x of out) if (!allowed.includes(x as T)) throw new EngineError('INVALID_INPUT', `unknown ${what} "${x}" (one of ${allowed.join(', ')})`);
  return out as T[];
}

function int(v: string | null, what: string): number | undefined {
  if (v === null || v === '') return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new EngineError('INVALID_INPUT', `${what} must be a whole number`);
  return Number(v);
}

function filterFrom(q: URLSearchParams): EntryFilter {
  const f: EntryFilter = {};
  if (q.get('glob')) f.glob = q.get('glob')!;
  if (q.get('text')) f.text = q.get('text')!;
  if (q.get('minSize')) f.minSize = parseBytes(q.get('minSize')!);
  if (q.get('maxSize')) f.maxSize = parseBytes(q.get('maxSize')!);
  const changes = list(q.get('change'), CHANGES, 'change');
  if (changes) f.changes = changes;
  const types = list(q.get('type'), TYPES, 'type');
  if (types) f.types = types;
  return f;
}

export function childrenQueryFrom(q: URLSearchParams): ChildrenQuery {
  const sort = q.get('sort');
  if (sort && sort !== 'name' && sort !== 'size') throw new EngineError('INVALID_INPUT', 'sort must be name or size');
  return { ...filterFrom(q), scope: parseScope(q.get('scope')), path: q.get('path') ?? '/', sort: (sort ?? undefined) as ChildrenQuery['sort'], offset: int(q.get('offset'), 'offset'), limit: int(q.get('limit'), 'limit') };
}

export function searchQueryFrom(q: URLSearchParams): SearchQuery {
  const sort = q.get('sort');
  if (sort && sort !== 'path' && sort !== 'size') throw new EngineError('INVALID_INPUT', 'sort must be path or size');
  return { ...filterFrom(q), scope: parseScope(q.get('scope')), sort: (sort ?? undefined) as SearchQuery['sort'], offset: int(q.get('offset'), 'offset'), limit: int(q.get('limit'), 'limit') };
}

export function compareQueryFrom(q: URLSearchParams): CompareQuery {
  const statuses = list(q.get('status'), ['added', 'removed', 'changed'] as const, 'status');
  return { scope: parseScope(q.get('scope')), path: q.get('path') ?? undefined, statuses, offset: int(q.get('offset'), 'offset'), limit: int(q.get('limit'), 'limit') };
}

/** The query string for any of the above (undefined values left out). */
export function toQueryString(q: object): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    const key = k === 'changes' ? 'change' : k === 'types' ? 'type' : k === 'statuses' ? 'status' : k;
    out.set(key, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = out.toString();
  return s ? `?${s}` : '';
}
