// The registry on the web app's origin (/v2/...). The engine's node:http handler runs once per
// process on a loopback port; app/v2/[[...path]]/route.ts forwards each Web Request to it with
// node:http (bodies streamed both ways, headers copied as they are: Location, Range,
// Docker-Content-Digest, WWW-Authenticate). The original Host header is forwarded, so the
// handler's token realm is `<origin>/v2/token`; set LAB_PUBLIC_ORIGIN (e.g. https://lab.example)
// when a TLS proxy sits in front. Storage: $LAB_ROOT/registry (links) + $LAB_ROOT/store (the
// engine's shared content store). Token secret: LAB_REGISTRY_SECRET, else generated once into
// $LAB_DATA_DIR/registry-secret (mode 0600).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { OciLayoutStore } from '../engine/content-store/oci-layout-store.ts';
import { startRegistryServer, type RunningRegistry } from '../engine/registry/serve.ts';
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

const cache = globalThis as unknown as { __labRegistry?: Promise<RunningRegistry> };

/** The loopback registry of this process, started on first use (later calls get the same one). */
export function registryBackend(env: Env = process.env, database: Db = db()): Promise<RunningRegistry> {
  cache.__labRegistry ??= (async () => {
    const labRoot = path.resolve(/*turbopackIgnore: true*/ env.LAB_ROOT || DEFAULT_LAB_ROOT);
    const origin = env.LAB_PUBLIC_ORIGIN?.replace(/\/+$/, '');
    return startRegistryServer({
      listen: '127.0.0.1:0',
      root: path.join(labRoot, 'registry'),
      content: new OciLayoutStore(path.join(labRoot, 'store')),
      auth: {
        authenticator: new PrismaAuthenticator(database),
        secret: registrySecret(env),
        realm: origin ? `${origin}/v2/token` : undefined,
      },
    });
  })();
  cache.__labRegistry.catch(() => (cache.__labRegistry = undefined));
  return cache.__labRegistry;
}

// Hop-by-hop headers belong to one connection and are not forwarded (RFC 9110 7.6.1).
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate']);

/** Forwards a Web Request to the loopback registry and streams its answer back. */
export async function proxyRegistryRequest(req: Request): Promise<Response> {
  const backend = await registryBackend();
  const url = new URL(req.url);
  const headers: Record<string, string> = {};
  req.headers.forEach((v, k) => {
    if (!HOP.has(k)) headers[k] = v;
  });
  headers.host = req.headers.get('x-forwarded-host') ?? req.headers.get('host') ?? url.host;
  const port = backend.server.address() as { port: number };
  return new Promise<Response>((resolve, reject) => {
    const up = http.request({ host: '127.0.0.1', port: port.port, method: req.method, path: url.pathname + url.search, headers });
    up.on('response', (res) => {
      const out = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (v === undefined || HOP.has(k)) continue;
        if (Array.isArray(v)) v.forEach((x) => out.append(k, x));
        else out.set(k, v);
      }
      const status = res.statusCode ?? 502;
      const noBody = req.method === 'HEAD' || status === 204 || status === 304;
      if (noBody) res.resume();
      const body = noBody ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
      resolve(new Response(body, { status, headers: out }));
    });
    up.on('error', reject);
    req.signal?.addEventListener('abort', () => up.destroy());
    if (req.body && req.method !== 'GET' && req.method !== 'HEAD') {
      pipeline(Readable.fromWeb(req.body as unknown as WebReadableStream<Uint8Array>), up, (err) => {
        if (err) up.destroy(err);
      });
    } else up.end();
  });
}
