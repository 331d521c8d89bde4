// Prisma CLI configuration. Uses the wasm ("js") schema engine through a driver adapter so that
// `prisma migrate deploy` and `prisma migrate diff` work offline (see prisma/README.md).
// The schema and migrations follow the database chosen by DATABASE_URL / LAB_DATA_DIR.
import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { resolveDatabase } from './lib/database-url.ts';

const target = resolveDatabase();
const dir = path.join('prisma', target.provider);
// The schemas read env("DATABASE_URL") for validation only; the adapter below is what connects.
process.env.DATABASE_URL ||= `file:${target.provider === 'sqlite' ? target.file : ''}`;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(dir, 'schema.prisma'),
  migrations: { path: path.join(dir, 'migrations') },
  async adapter() {
    if (target.provider === 'postgres') {
      const { PrismaPg } = await import('@prisma/adapter-pg');
      const { migrationPool } = await import('./lib/site/pg-migrate-pool.ts');
      return new PrismaPg(migrationPool(target.url));
    }
    fs.mkdirSync(path.dirname(target.file), { recursive: true });
    const { PrismaBetterSQLite3 } = await import('@prisma/adapter-better-sqlite3');
    return new PrismaBetterSQLite3({ url: target.file });
  },
});
