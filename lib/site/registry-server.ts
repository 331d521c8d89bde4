// The registry on the web app's origin (/v2/...). The custom server (server/main.ts) hands every
// /v2 request straight to the engine's node:http handler, so Content-Length, Range, Location,
// Docker-Content-Digest and WWW-Authenticate go out exactly as the handler writes them (the old
// Web Request proxy through a Next route lost Content-Length on HEAD). The token realm comes from
// the request's Host (`<origin>/v2/token`); set LAB_PUBLIC_ORIGIN (e.g. https://lab.example) when
// a TLS proxy sits in front. Storage: $LAB_ROOT/registry (links) + $LAB_ROOT/store (the engine's
// shared content store). Token secret: LAB_REGISTRY_SECRET, else generated once into
// $LAB_DATA_DIR/registry-secret (mode 0600).
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { OciLayoutStore } from '../engine/content-store/oci-layout-store.ts';
import type { RegistryHandler } from '../engine/registry/registry.ts';
import { createRegistryHandler } from '../engine/registry/server/registry-handler.ts';
import { db, type Db } from '../db.ts';
import { PrismaAuthenticator } from './registry-auth.ts';

type Env = Record<string, string | undefined>;

// Same default as the engine (lib/engine/daemon/socket-path.ts), not imported: its dynamic
// path.resolve would make Next trace the whole project.
const DEFAULT_LAB_ROOT = './data/engine';

/** The token signing secret: LAB_REGISTRY_SECRET, or 32 random bytes kept in $LAB_DATA_DIR/registry-secret. */
export function registrySecret(env: Env = process.env): Buffer {
  if (env.LAB_REGISTRY_SECRET) {
    if (env.LAB_REGISTRY_SECRET.length < 32) throw new Error('LAB_REGISTRY_SECRET must be at least 32 characters.');
    return Buffer.from(env.LAB_REGISTRY_SECRET, 'utf8');
  }
  const dir = path.resolve(/*turbopackIgnore: true*/ env.LAB_DATA_DIR || 'data');
  const file = path.join(dir, 'registry-secret');
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString('hex') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const hex = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file} is not 64 hex characters: delete it to make a new secret.`);
  return Buffer.from(hex, 'hex');
}

const cache = globalThis as unknown as { __labRegistryHandler?: RegistryHandler };

/** This process's registry handler (node req, res), made on first use; later calls get the same one. */
export function registryHandler(env: Env = process.env, database: Db = db()): RegistryHandler {
  if (cache.__labRegistryHandler) return cache.__labRegistryHandler;
  const labRoot = path.resolve(/*turbopackIgnore: true*/ env.LAB_ROOT || DEFAULT_LAB_ROOT);
  const origin = env.LAB_PUBLIC_ORIGIN?.replace(/\/+$/, '');
  cache.__labRegistryHandler = createRegistryHandler({
    root: path.join(labRoot, 'registry'),
    content: new OciLayoutStore(path.join(labRoot, 'store')),
    auth: {
      authenticator: new PrismaAuthenticator(database),
      secret: registrySecret(env),
      realm: origin ? `${origin}/v2/token` : undefined,
    },
  });
  return cache.__labRegistryHandler;
}

/** Forget the cached handler (tests that switch LAB_ROOT or the database). */
export function resetRegistryHandler(): void {
  cache.__labRegistryHandler = undefined;
}
