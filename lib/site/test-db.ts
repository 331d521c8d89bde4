// Test helper: a freshly migrated database per test file — an SQLite file in a temp dir, or a
// new PostgreSQL database on the server named by LAB_TEST_POSTGRES_URL. Uses the real
// migrations through `prisma migrate deploy`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb, type Db } from '../db.ts';
import { migrateDeploy } from './migrate.ts';

export type TestDb = { db: Db; provider: 'sqlite' | 'postgres'; cleanup: () => Promise<void> };

export const postgresTestUrl = process.env.LAB_TEST_POSTGRES_URL;

export type TestDbOptions = { logQueries?: boolean };

export async function migratedSqlite(opts: TestDbOptions = {}): Promise<TestDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-db-test-'));
  migrateDeploy({ ...process.env, DATABASE_URL: '', LAB_DATA_DIR: dir });
  const db = createDb({ provider: 'sqlite', file: path.join(dir, 'lab.db') }, opts);
  return {
    db,
    provider: 'sqlite',
    async cleanup() {
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function migratedPostgres(adminUrl: string, opts: TestDbOptions = {}): Promise<TestDb> {
  const name = `lab_site_test_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  migrateDeploy({ ...process.env, DATABASE_URL: u.toString() });
  const db = createDb({ provider: 'postgres', url: u.toString() }, opts);
  return {
    db,
    provider: 'postgres',
    async cleanup() {
      await db.$disconnect();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The backends every database test runs against: SQLite always, PostgreSQL when configured. */
export const backends: { name: 'sqlite' | 'postgres'; make: (opts?: TestDbOptions) => Promise<TestDb> }[] = [
  { name: 'sqlite', make: migratedSqlite },
  ...(postgresTestUrl ? [{ name: 'postgres' as const, make: (opts?: TestDbOptions) => migratedPostgres(postgresTestUrl, opts) }] : []),
];

if (!postgresTestUrl) console.warn('LAB_TEST_POSTGRES_URL is not set: database tests run against SQLite only.');
