// The operator's OSV directory, indexed once into SQLite: (ecosystem, package name) -> records.
// Rebuilt when the directory's fingerprint (its own and its subdirectories' mtimes and entry
// counts) changes; written to a temp file and renamed, like every index of the engine.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { EngineError } from '../errors.ts';
import { normalisePythonName } from '../sbom/purl.ts';
import type { OsvRecord } from './vuln.ts';

const FORMAT = 1;
const MAX_RECORD_BYTES = 8 * 1024 * 1024;

export interface OsvDatabase {
  readonly dir: string;
  readonly records: number;
  /** Records with an affected package of this ecosystem (base name, "Debian") and name. */
  lookup(ecosystem: string, name: string): OsvRecord[];
  close(): void;
}

export function normaliseName(ecosystem: string, name: string): string {
  return ecosystem === 'PyPI' ? normalisePythonName(name) : name;
}

async function fingerprint(dir: string): Promise<string> {
  const h = createHash('sha256').update(`${FORMAT}\0${dir}`);
  const st = await fs.stat(dir);
  const names = await fs.readdir(dir, { withFileTypes: true });
  h.update(`\0${st.mtimeMs}\0${names.length}`);
  for (const d of names.filter((n) => n.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const s = await fs.stat(path.join(dir, d.name));
    h.update(`\0${d.name}\0${s.mtimeMs}\0${(await fs.readdir(path.join(dir, d.name))).length}`);
  }
  return h.digest('hex');
}

async function* jsonFiles(dir: string, depth = 0): AsyncGenerator<string> {
  if (depth > 4) return;
  for (const d of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) yield* jsonFiles(p, depth + 1);
    else if (d.isFile() && d.name.endsWith('.json')) yield p;
  }
}

async function buildOsvIndex(dir: string, file: string, fp: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const db = new Database(tmp);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(`CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
      CREATE TABLE records(rec INTEGER PRIMARY KEY, data TEXT NOT NULL);
      CREATE TABLE pkgs(eco TEXT NOT NULL, name TEXT NOT NULL, rec INTEGER NOT NULL);`);
    const insRec = db.prepare('INSERT INTO records(rec, data) VALUES (?, ?)');
    const insPkg = db.prepare('INSERT INTO pkgs(eco, name, rec) VALUES (?, ?, ?)');
    let n = 0;
    db.exec('BEGIN');
    for await (const p of jsonFiles(dir)) {
      const st = await fs.stat(p);
      if (st.size > MAX_RECORD_BYTES) continue;
      let rec: OsvRecord;
      try {
        rec = JSON.parse(await fs.readFile(p, 'utf8'));
      } catch {
        continue; // not an OSV record: ignored, like a stray file
      }
      if (!rec || typeof rec.id !== 'string' || !Array.isArray(rec.affected) || rec.withdrawn) continue;
      insRec.run(++n, JSON.stringify(rec));
      const seen = new Set<string>();
      for (const a of rec.affected) {
        const eco = a.package?.ecosystem?.split(':')[0];
        const name = a.package?.name;
        if (!eco || !name) continue;
        const key = `${eco}\0${normaliseName(eco, name)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        insPkg.run(eco, normaliseName(eco, name), n);
      }
    }
    db.exec('CREATE INDEX pkgs_name ON pkgs(eco, name)');
    db.prepare("INSERT INTO meta(key, value) VALUES ('fingerprint', ?), ('records', ?)").run(fp, String(n));
    db.exec('COMMIT');
    db.close();
    await fs.rename(tmp, file);
  } catch (err) {
    if (db.open) db.close();
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/** Opens (indexing first when needed) the OSV directory `dir`; the index goes under `cacheDir`. */
export async function openOsvDatabase(dir: string, cacheDir: string): Promise<OsvDatabase> {
  const real = await fs.realpath(dir).catch(() => {
    throw new EngineError('FAILED_PRECONDITION', `the vulnerability database ${dir} does not exist: set LAB_OSV_DB to a directory of OSV JSON files (see lib/engine/vuln/README.md)`);
  });
  if (!(await fs.stat(real)).isDirectory()) throw new EngineError('FAILED_PRECONDITION', `the vulnerability database ${dir} is not a directory of OSV JSON files`);
  await fs.mkdir(cacheDir, { recursive: true });
  const fp = await fingerprint(real);
  const file = path.join(cacheDir, `${createHash('sha256').update(real).digest('hex').slice(0, 24)}.sqlite`);
  const current = await (async () => {
    try {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      const row = db.prepare("SELECT value FROM meta WHERE key = 'fingerprint'").get() as { value: string } | undefined;
      db.close();
      return row?.value === fp;
    } catch {
      return false;
    }
  })();
  if (!current) await buildOsvIndex(real, file, fp);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const records = Number((db.prepare("SELECT value FROM meta WHERE key = 'records'").get() as { value: string }).value);
  const q = db.prepare('SELECT r.data FROM pkgs p JOIN records r ON r.rec = p.rec WHERE p.eco = ? AND p.name = ?');
  return {
    dir: real,
    records,
    lookup(ecosystem, name) {
      return (q.all(ecosystem, normaliseName(ecosystem, name)) as Array<{ data: string }>).map((r) => JSON.parse(r.data) as OsvRecord);
    },
    close() {
      db.close();
    },
  };
}
