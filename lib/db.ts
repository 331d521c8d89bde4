// The one Prisma client of the site (cached per process, also across dev hot reloads).
// DATABASE_URL unset -> SQLite file $LAB_DATA_DIR/lab.db (default ./data/lab.db);
// postgres:// or postgresql:// -> PostgreSQL through the pg driver adapter.
// Migrations are NOT applied here: `npm run db:migrate` (scripts/db-migrate.ts) applies them,
// and `npm start` runs it before starting the server (server/main.ts).
import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.ts';
import { PrismaClient as PostgresClient } from './generated/postgres/client.ts';
import { resolveDatabase, type DbTarget } from './database-url.ts';

// Both generated clients have the same models; the SQLite one's type stands for both.
export type Db = InstanceType<typeof SqliteClient>;

/** `logQueries`: emit a `query` event per SQL statement (tests and benchmarks count them with $on). */
export function createDb(target: DbTarget = resolveDatabase(), opts: { logQueries?: boolean } = {}): Db {
  const log = opts.logQueries ? [{ emit: 'event' as const, level: 'query' as const }] : undefined;
  if (target.provider === 'postgres') {
    const adapter = new PrismaPg({ connectionString: target.url, max: 5 });
    return new PostgresClient({ adapter, log }) as unknown as Db;
  }
  fs.mkdirSync(path.dirname(target.file), { recursive: true });
  const adapter = new PrismaBetterSQLite3({ url: target.file, timeout: 5000 });
  return new SqliteClient({ adapter, log }) as unknown as Db;
}

const cache = globalThis as unknown as { __labDb?: Db };

export function db(): Db {
  cache.__labDb ??= createDb();
  return cache.__labDb;
}
