// The registry's request handler: routes /v2/ requests to the endpoint files, checks access
// (token auth when configured) and turns failures into the spec's JSON errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Action, RegistryHandler, RegistryOptions } from '../registry.ts';
import { TokenService } from '../auth/token-service.ts';
import { RepositoryLinks } from './repository-links.ts';
import { UploadSessions } from './upload-sessions.ts';
import { RegistryError, sendError } from './registry-errors.ts';
import { assertName } from './names.ts';
import { sendJson } from './http-util.ts';
import type { RouteContext } from './route-context.ts';
import { deleteBlob, getBlob } from './blob-routes.ts';
import { cancelUpload, patchUpload, putUpload, startUpload, uploadStatus } from './upload-routes.ts';
import { deleteManifest, getManifest, putManifest } from './manifest-routes.ts';
import { listReferrers, listTags } from './listing-routes.ts';
import { registerRegistryRoot } from '../gc-roots.ts';
import { MAX_BLOB_BYTES, MAX_MANIFEST_BYTES } from '../../limits.ts';

const ROUTE = /^\/v2\/(.+)\/(blobs\/uploads\/([^/]*)|blobs\/([^/]+)|manifests\/([^/]+)|tags\/list|referrers\/([^/]+))$/;

type Endpoint = { actions: Action[]; run: (ctx: RouteContext) => Promise<void> };

function route(method: string, m: RegExpExecArray): Endpoint | undefined {
  const [, , kind, uploadId, blob, reference, subject] = m;
  if (kind.startsWith('blobs/uploads/')) {
    const id = uploadId;
    if (!id) return method === 'POST' ? { actions: ['pull', 'push'], run: startUpload } : undefined;
    if (method === 'PATCH') return { actions: ['pull', 'push'], run: (c) => patchUpload(c, id) };
    if (method === 'PUT') return { actions: ['pull', 'push'], run: (c) => putUpload(c, id) };
    if (method === 'GET') return { actions: ['pull', 'push'], run: (c) => uploadStatus(c, id) };
    if (method === 'DELETE') return { actions: ['pull', 'push'], run: (c) => cancelUpload(c, id) };
    return undefined;
  }
  if (blob !== undefined) {
    if (method === 'GET' || method === 'HEAD') return { actions: ['pull'], run: (c) => getBlob(c, blob, method === 'HEAD') };
    if (method === 'DELETE') return { actions: ['delete'], run: (c) => deleteBlob(c, blob) };
    return undefined;
  }
  if (reference !== undefined) {
    if (method === 'GET' || method === 'HEAD') return { actions: ['pull'], run: (c) => getManifest(c, reference, method === 'HEAD') };
    if (method === 'PUT') return { actions: ['pull', 'push'], run: (c) => putManifest(c, reference) };
    if (method === 'DELETE') return { actions: ['delete'], run: (c) => deleteManifest(c, reference) };
    return undefined;
  }
  if (kind === 'tags/list') return method === 'GET' ? { actions: ['pull'], run: listTags } : undefined;
  if (subject !== undefined) return method === 'GET' ? { actions: ['pull'], run: (c) => listReferrers(c, subject) } : undefined;
  return undefined;
}

export function createRegistryHandler(opts: RegistryOptions): RegistryHandler {
  const links = new RepositoryLinks(opts.root);
  const uploads = new UploadSessions(opts.root);
  const tokens = opts.auth ? new TokenService(opts.auth) : undefined;
  // OCI distribution-spec "Pushing Manifests": a registry may refuse a manifest over its limit
  // (at least 4 MiB accepted) with 413; distribution's handlers use maxManifestBodySize = 4 MiB.
  const maxManifestBytes = opts.maxManifestBytes ?? MAX_MANIFEST_BYTES;
  const maxBlobBytes = opts.maxBlobBytes ?? MAX_BLOB_BYTES;
  // Announce our links to the shared store's garbage collection before serving anything.
  const swept = Promise.all([
    uploads.sweep(opts.uploadMaxAgeMs ?? 24 * 3600_000).catch(() => 0),
    registerRegistryRoot(opts.content.root, opts.root),
  ]);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await swept;
    const url = new URL(req.url ?? '/', 'http://registry.invalid');
    // Route on the raw path: URL parsing would resolve "a/../b" before the name is checked.
    const rawPath = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    if (tokens && rawPath === tokens.tokenPath && method === 'GET') {
      await tokens.handleTokenRequest(req, res, url);
      return;
    }
    if (rawPath === '/v2/' || rawPath === '/v2') {
      if (tokens) await tokens.authorize(req, undefined, []);
      sendJson(res, 200, {});
      return;
    }
    const m = ROUTE.exec(rawPath);
    if (!m) throw new RegistryError('NAME_UNKNOWN', `no registry endpoint at ${method} ${rawPath}`, undefined, 404);
    const name = assertName(m[1]);
    const endpoint = route(method, m);
    if (!endpoint) throw new RegistryError('UNSUPPORTED', `${method} is not supported on ${rawPath}`);
    const claims = tokens ? await tokens.authorize(req, name, endpoint.actions) : undefined;
    const mayPull = async (other: string) =>
      !claims || claims.access.some((a) => a.name === other && a.actions.includes('pull'));
    await endpoint.run({ req, res, url, name, links, uploads, content: opts.content, maxManifestBytes, maxBlobBytes, mayPull });
  }

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!req.readableEnded) req.resume();
      if (err instanceof RegistryError) {
        sendError(res, err, { 'Docker-Distribution-API-Version': 'registry/2.0' });
        return;
      }
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const e = new RegistryError('UNKNOWN', `internal error: ${(err as Error).message ?? String(err)}`);
      sendError(res, e);
    });
  }) as RegistryHandler;
  handler.roots = () => links.allLinked();
  return handler;
}

