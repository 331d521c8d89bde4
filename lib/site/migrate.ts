// Applies the committed migrations with `prisma migrate deploy` (wasm schema engine, offline)
// and generates the clients. Idempotent: a migrated database is left as it is.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const prismaBin = path.join(root, 'node_modules', '.bin', 'prisma');

// Prisma only needs these set to skip downloading native engines we never use.
export function prismaEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    PRISMA_SCHEMA_ENGINE_BINARY: env.PRISMA_SCHEMA_ENGINE_BINARY || '/bin/true',
    PRISMA_QUERY_ENGINE_LIBRARY: env.PRISMA_QUERY_ENGINE_LIBRARY || '/bin/true',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  };
}

function prisma(args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(prismaBin, args, { cwd: root, env: prismaEnv(env), encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`prisma ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

export function migrateDeploy(env: NodeJS.ProcessEnv = process.env): string {
  return prisma(['migrate', 'deploy'], env);
}

export function generateClients(env: NodeJS.ProcessEnv = process.env): void {
  for (const p of ['sqlite', 'postgres']) {
    prisma(['generate', '--schema', path.join('prisma', p, 'schema.prisma')], env);
  }
}
