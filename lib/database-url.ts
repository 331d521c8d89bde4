// Which database the lab uses: DATABASE_URL when set (postgres:// or file:), otherwise an
// SQLite file under $LAB_DATA_DIR (default ./data). Shared by lib/db.ts and prisma.config.ts.
import path from 'node:path';

export type DbTarget =
  | { provider: 'sqlite'; file: string }
  | { provider: 'postgres'; url: string };

export function resolveDatabase(env: Record<string, string | undefined> = process.env): DbTarget {
  const url = env.DATABASE_URL?.trim();
  if (url && /^postgres(ql)?:\/\//.test(url)) return { provider: 'postgres', url };
  if (url && url.startsWith('file:')) return { provider: 'sqlite', file: path.resolve(/*turbopackIgnore: true*/ url.slice(5)) };
  if (url) throw new Error(`DATABASE_URL must start with postgres://, postgresql:// or file: (got "${url.split(':')[0]}:...")`);
  const dataDir = path.resolve(/*turbopackIgnore: true*/ env.LAB_DATA_DIR || 'data');
  return { provider: 'sqlite', file: path.join(dataDir, 'lab.db') };
}
