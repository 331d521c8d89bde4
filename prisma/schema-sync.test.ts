// The SQLite and PostgreSQL schemas must describe the same models; only the provider and the
// generated client's folder may differ. Their migrations must create the same tables too.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const read = (p: string) => fs.readFileSync(path.join(import.meta.dirname, p), 'utf8');
const models = (schema: string) => schema.slice(schema.indexOf('// ---- models'));
const tables = (sql: string) => [...sql.matchAll(/CREATE TABLE "(\w+)"/g)].map((m) => m[1]).sort();
const migrationsSql = (p: string) =>
  fs
    .readdirSync(path.join(import.meta.dirname, p, 'migrations'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => read(path.join(p, 'migrations', d.name, 'migration.sql')))
    .join('\n');

describe('schemas in step', () => {
  const sqlite = read('sqlite/schema.prisma');
  const postgres = read('postgres/schema.prisma');
  it('have identical models', () => {
    expect(models(sqlite).length).toBeGreaterThan(100);
    expect(models(postgres)).toBe(models(sqlite));
  });
  it('differ only in provider and output in their headers', () => {
    const normalize = (s: string) =>
      s
        .slice(s.indexOf('generator'), s.indexOf('// ---- models'))
        .replace(/provider = "(sqlite|postgresql)"/, 'provider = X')
        .replace(/generated\/(sqlite|postgres)/, 'generated/X');
    expect(normalize(postgres)).toBe(normalize(sqlite));
  });
  it('have migrations that create the same tables, one migration folder each', () => {
    const a = fs.readdirSync(path.join(import.meta.dirname, 'sqlite', 'migrations')).filter((n) => !n.endsWith('.toml'));
    const b = fs.readdirSync(path.join(import.meta.dirname, 'postgres', 'migrations')).filter((n) => !n.endsWith('.toml'));
    expect(b).toEqual(a);
    const expected = [...models(sqlite).matchAll(/^model (\w+)/gm)].map((m) => m[1]).sort();
    expect(tables(migrationsSql('sqlite'))).toEqual(expected);
    expect(tables(migrationsSql('postgres'))).toEqual(expected);
  });
});
