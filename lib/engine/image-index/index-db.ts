// The index file: one SQLite database per image. Layer rows and merged rows share one table
// (layer = -1 is the merged view) so every tree query is the same indexed range read.
import Database from 'better-sqlite3';

export type Db = Database.Database;

export const MERGED = -1;

/** Columns of `entries`, in the order rowValues() writes them. */
export interface EntryRow {
  layer: number;
  path: string; // no leading slash; '' is the root (never stored)
  parent: string;
  name: string;
  change: string | null; // added|modified|deleted|opaque, null for implicit parents and merged rows
  type: string | null; // null: a pure whiteout (no entry of that name in this layer)
  mode: number | null;
  uid: number | null;
  gid: number | null;
  size: number; // the tar header's size field (0 for everything but regular files)
  mtime: number | null;
  link: string | null;
  sha256: string | null;
  whiteout: number; // a .wh.NAME entry for this path exists in this layer
  opaque: number; // this directory carries .wh..wh..opq in this layer
  implicit: number; // a parent the tar does not name
  src: number | null; // merged: the layer it comes from; layer rows: the lower layer it replaced/deleted
  prev_type: string | null;
  prev_size: number | null; // bytes of what was replaced/deleted/hidden below
}

const SCHEMA = `
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries(
  layer INTEGER NOT NULL, path TEXT NOT NULL, parent TEXT NOT NULL, name TEXT NOT NULL,
  change TEXT, type TEXT, mode INTEGER, uid INTEGER, gid INTEGER, size INTEGER NOT NULL DEFAULT 0,
  mtime INTEGER, link TEXT, sha256 TEXT,
  whiteout INTEGER NOT NULL DEFAULT 0, opaque INTEGER NOT NULL DEFAULT 0, implicit INTEGER NOT NULL DEFAULT 0,
  src INTEGER, prev_type TEXT, prev_size INTEGER,
  tot_size INTEGER NOT NULL DEFAULT 0, tot_count INTEGER NOT NULL DEFAULT 0, nchildren INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(layer, path)
) WITHOUT ROWID;
CREATE INDEX entries_children ON entries(layer, parent, name);
CREATE TABLE findings(
  layer INTEGER, path TEXT, line INTEGER, source TEXT NOT NULL, rule TEXT NOT NULL, title TEXT NOT NULL,
  severity TEXT NOT NULL, key TEXT, masked TEXT NOT NULL, fingerprint TEXT NOT NULL, history INTEGER
);
CREATE TABLE packages(
  layer INTEGER NOT NULL, path TEXT NOT NULL, ecosystem TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX packages_file ON packages(path, layer);
CREATE TABLE captured(layer INTEGER NOT NULL, path TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY(layer, path));
CREATE TABLE inefficiencies(rank INTEGER PRIMARY KEY, path TEXT NOT NULL, count INTEGER NOT NULL,
  cumulative INTEGER NOT NULL, min INTEGER NOT NULL, layers TEXT NOT NULL);
`;

/** A new, empty index database at `file` (a temp path; the builder renames it when done). */
export function createIndexDb(file: string): Db {
  const db = new Database(file);
  // a temp file that is renamed only when complete: no journal needed while building
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -65536'); // 64 MiB page cache while building
  db.exec(SCHEMA);
  return db;
}

/** An existing index, read-only. */
export function openIndexDb(file: string): Db {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('cache_size = -16384');
  return db;
}

export function rowValues(r: EntryRow): unknown[] {
  return [r.layer, r.path, r.parent, r.name, r.change, r.type, r.mode, r.uid, r.gid, r.size, r.mtime, r.link, r.sha256, r.whiteout, r.opaque, r.implicit, r.src, r.prev_type, r.prev_size];
}

export const INSERT_ENTRY = `INSERT OR REPLACE INTO entries(layer, path, parent, name, change, type, mode, uid, gid, size, mtime, link, sha256,
  whiteout, opaque, implicit, src, prev_type, prev_size) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`;

/** Upper bound of the paths strictly below `dir` in byte order: "a/b/" <= p < "a/b0" ('0' follows '/'). */
export function descendantsRange(dir: string): [string, string] {
  return dir === '' ? ['', '\u{10FFFF}'] : [`${dir}/`, `${dir}0`];
}

export function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

export function setMeta(db: Db, key: string, value: unknown): void {
  db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run(key, JSON.stringify(value));
}

export function getMeta<T>(db: Db, key: string): T | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as T) : undefined;
}
