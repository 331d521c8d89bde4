// GC roots the registry holds in the shared content store: every manifest revision and blob link
// of every repository. A registry announces its root inside the store it shares
// (registerRegistryRoot), so that any garbage collection over that store — `lab builder prune`,
// the daemon — finds those links (storeRegistryRoots) instead of deleting pushed images that only
// the registry references.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { RepositoryLinks } from './server/repository-links.ts';

export async function registryRoots(registryRoot: string): Promise<string[]> {
  return new RepositoryLinks(registryRoot).allLinked();
}

function registrationsDir(storeRoot: string): string {
  return path.join(storeRoot, 'registries');
}

/** Records (atomically, idempotently) that the registry at registryRoot keeps blobs in this store. */
export async function registerRegistryRoot(storeRoot: string, registryRoot: string): Promise<void> {
  const abs = path.resolve(registryRoot);
  const dir = registrationsDir(storeRoot);
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, createHash('sha256').update(abs).digest('hex').slice(0, 32));
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, abs + '\n');
  await fs.rename(tmp, file);
}

/** Every digest linked by any registry that registered itself in this store. */
export async function storeRegistryRoots(storeRoot: string): Promise<string[]> {
  const dir = registrationsDir(storeRoot);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const roots: string[] = [];
  for (const name of names) {
    if (name.endsWith('.tmp')) continue;
    const registryRoot = (await fs.readFile(path.join(dir, name), 'utf8')).trim();
    const exists = await fs.stat(registryRoot).then(() => true, () => false);
    if (exists) roots.push(...(await registryRoots(registryRoot)));
  }
  return roots;
}
