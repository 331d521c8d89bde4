// Paged reads of the index: a directory's children, a search, one entry, one path's history.
// Every query is a range or point read on (layer, path) or (layer, parent, name); filters are
// SQL where they can be (size, change, type, substring) and a picomatch function for globs.
import picomatch from 'picomatch';
import { EngineError } from '../errors.ts';
import { MERGED, descendantsRange, type Db } from './index-db.ts';
import type { ChildrenQuery, EntryFilter, EntryType, Page, PathHistory, Scope, SearchQuery, TreeEntry } from './image-index.ts';

export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 200;
const MAX_PATTERN = 256;

export interface Row {
  layer: number;
  path: string;
  name: string;
  change: string | null;
  type: string | null;
  mode: number | null;
  uid: number | null;
  gid: number | null;
  size: number;
  mtime: number | null;
  link: string | null;
  sha256: string | null;
  implicit: number;
  src: number | null;
  prev_type: string | null;
  prev_size: number | null;
  tot_size: number;
  tot_count: number;
  nchildren: number;
}

export function scopeLayer(scope: Scope, layers: number): number {
  if (scope === 'merged') return MERGED;
  if (!Number.isInteger(scope) || scope < 0 || scope >= layers) throw new EngineError('INVALID_INPUT', `layer ${scope} does not exist: the image has layers 0 to ${layers - 1}`);
  return scope;
}

/** "/usr//bin/" -> "usr/bin"; "/" -> "". */
export function relPath(p: string | undefined): string {
  if (!p) return '';
  if (p.length > 4096) throw new EngineError('INVALID_INPUT', 'path too long');
  return p.split('/').filter((s) => s && s !== '.').join('/');
}

export function toEntry(r: Row): TreeEntry {
  const e: TreeEntry = { path: `/${r.path}`, name: r.name, size: r.type === null ? 0 : r.size };
  if (r.type) e.type = r.type as EntryType;
  if (r.mode !== null) e.mode = r.mode;
  if (r.uid !== null) e.uid = r.uid;
  if (r.gid !== null) e.gid = r.gid;
  if (r.mtime !== null) e.mtime = r.mtime;
  if (r.link) e.link = r.link;
  if (r.sha256) e.sha256 = r.sha256;
  if (r.implicit) e.implicit = true;
  if (r.layer === MERGED) e.layer = r.src ?? undefined;
  else {
    if (r.change) e.change = r.change as TreeEntry['change'];
    if (r.prev_type !== null || r.prev_size !== null) e.previous = { layer: r.src ?? undefined, type: (r.prev_type ?? undefined) as EntryType | undefined, size: r.prev_size ?? 0 };
  }
  if (r.type === 'dir') {
    e.totalSize = r.tot_size;
    e.totalCount = r.tot_count;
    e.children = r.nchildren;
  }
  return e;
}

function pageParams(offset?: number, limit?: number): { offset: number; limit: number } {
  const o = Math.max(0, Math.floor(offset ?? 0));
  const l = Math.min(MAX_PAGE, Math.max(1, Math.floor(limit ?? DEFAULT_PAGE)));
  return { offset: o, limit: l };
}

export function page<T>(items: T[], total: number, offset: number, limit: number): Page<T> {
  const p: Page<T> = { items, total, offset, limit };
  if (offset + items.length < total) p.next = offset + items.length;
  return p;
}

const EFFECTIVE_SIZE = "(CASE WHEN type = 'dir' THEN tot_size ELSE size END)";

/** SQL conditions and parameters for a filter; registers the glob function when needed. */
function filterSql(db: Db, f: EntryFilter): { where: string[]; params: unknown[]; active: boolean } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.glob) {
    if (f.glob.length > MAX_PATTERN) throw new EngineError('INVALID_INPUT', `glob longer than ${MAX_PATTERN} characters`);
    const glob = f.glob.startsWith('/') || f.glob.startsWith('**') ? f.glob : `**/${f.glob}`;
    const match = picomatch(glob, { dot: true });
    db.function('lab_glob', { deterministic: true }, (p: unknown) => (match(`/${String(p)}`) ? 1 : 0));
    where.push('lab_glob(path) = 1');
  }
  if (f.text) {
    if (f.text.length > MAX_PATTERN) throw new EngineError('INVALID_INPUT', `search text longer than ${MAX_PATTERN} characters`);
    where.push('instr(lower(path), ?) > 0');
    params.push(f.text.toLowerCase());
  }
  if (f.minSize !== undefined) {
    where.push(`${EFFECTIVE_SIZE} >= ?`);
    params.push(f.minSize);
  }
  if (f.maxSize !== undefined) {
    where.push(`${EFFECTIVE_SIZE} <= ?`);
    params.push(f.maxSize);
  }
  if (f.changes?.length) {
    where.push(`change IN (${f.changes.map(() => '?').join(',')})`);
    params.push(...f.changes);
  }
  if (f.types?.length) {
    where.push(`type IN (${f.types.map(() => '?').join(',')})`);
    params.push(...f.types);
  }
  return { where, params, active: where.length > 0 };
}

export function children(db: Db, layer: number, q: ChildrenQuery): Page<TreeEntry> {
  const dir = relPath(q.path);
  const { offset, limit } = pageParams(q.offset, q.limit);
  const order = q.sort === 'size' ? `${EFFECTIVE_SIZE} DESC, name` : 'name';
  const f = filterSql(db, q);
  if (!f.active) {
    const total = (db.prepare('SELECT COUNT(*) AS n FROM entries WHERE layer = ? AND parent = ?').get(layer, dir) as { n: number }).n;
    const rows = db.prepare(`SELECT * FROM entries WHERE layer = ? AND parent = ? ORDER BY ${order} LIMIT ? OFFSET ?`).all(layer, dir, limit, offset) as Row[];
    return page(rows.map(toEntry), total, offset, limit);
  }
  // children that match, and directories with a match somewhere below them
  const [lo, hi] = descendantsRange(dir);
  const keep = new Set<string>();
  const prefix = dir ? dir.length + 1 : 0;
  for (const r of db.prepare(`SELECT path FROM entries WHERE layer = ? AND path > ? AND path < ? AND ${f.where.join(' AND ')}`).iterate(layer, lo, hi, ...f.params) as Iterable<{ path: string }>) {
    const slash = r.path.indexOf('/', prefix);
    keep.add(slash < 0 ? r.path : r.path.slice(0, slash));
  }
  const rows = (db.prepare(`SELECT * FROM entries WHERE layer = ? AND parent = ? ORDER BY ${order}`).all(layer, dir) as Row[]).filter((r) => keep.has(r.path));
  return page(rows.slice(offset, offset + limit).map(toEntry), rows.length, offset, limit);
}

export function search(db: Db, layer: number, q: SearchQuery): Page<TreeEntry> {
  const { offset, limit } = pageParams(q.offset, q.limit);
  const f = filterSql(db, q);
  const where = ['layer = ?', ...f.where].join(' AND ');
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM entries WHERE ${where}`).get(layer, ...f.params) as { n: number }).n;
  const order = q.sort === 'size' ? `${EFFECTIVE_SIZE} DESC, path` : 'path';
  const rows = db.prepare(`SELECT * FROM entries WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`).all(layer, ...f.params, limit, offset) as Row[];
  return page(rows.map(toEntry), total, offset, limit);
}

export function entry(db: Db, layer: number, p: string): TreeEntry | undefined {
  const r = db.prepare('SELECT * FROM entries WHERE layer = ? AND path = ?').get(layer, relPath(p)) as Row | undefined;
  return r ? toEntry(r) : undefined;
}

/** "0,1,...,n-1": every layer, so that (layer, path) lookups use the primary key. */
export function layerList(layers: number): string {
  return Array.from({ length: layers }, (_, i) => i).join(',') || '-2';
}

export function pathHistory(db: Db, p: string, layerCount: number): PathHistory {
  const rel = relPath(p);
  const all = layerList(layerCount);
  const ancestors: string[] = [];
  for (let i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) ancestors.push(rel.slice(0, i));
  const own = db.prepare(`SELECT * FROM entries WHERE layer IN (${all}) AND path = ? ORDER BY layer`).all(rel) as Row[];
  // an ancestor deleted, hidden (opaque) or replaced by a non-directory ends the path too
  const above = ancestors.length
    ? (db.prepare(`SELECT * FROM entries WHERE layer IN (${all}) AND path IN (${ancestors.map(() => '?').join(',')})
        AND (whiteout = 1 OR opaque = 1 OR (type IS NOT NULL AND type != 'dir')) ORDER BY layer`).all(...ancestors) as Row[])
    : [];
  const layers = [...own, ...above].sort((a, b) => a.layer - b.layer || a.path.length - b.path.length).map((r) => ({ ...toEntry(r), layer: r.layer }));
  return { path: `/${rel}`, merged: entry(db, MERGED, rel), layers };
}
