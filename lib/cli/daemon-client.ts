// The CLI side of the daemon: EngineApi over HTTP on the Unix socket, and connectEngine(),
// which every image verb calls: the daemon when its socket answers, else the state directory
// opened in this process (LocalEngineApi). `lab build` streams the context tar like
// `docker build` streams it to dockerd, and reads NDJSON progress events back.
import path from 'node:path';
import http from 'node:http';
import fs from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import { encodeSecrets, isExportFrame, type ExportFrame } from '../engine/daemon/build-transport.ts';
import { DOCKERFILE_READ_MAX_BYTES } from '../engine/build/dockerfile-source.ts';
import { EngineError } from '../engine/errors.ts';
import type { BuildContextInput, BuildOptions, CheckReport, EngineApi, PruneReport, TransferRequest } from '../engine/daemon/daemon.ts';
import { errorFromBody } from '../engine/daemon/http-errors.ts';
import { resolveLabRoot, resolveSocketPath } from '../engine/daemon/socket-path.ts';
import { MAX_HEADER_BYTES, socketAlive } from '../engine/daemon/http-server.ts';
import type { BuildResult } from '../engine/build/build.ts';
import type { BuildEvent, EventSink } from '../engine/progress/events.ts';
import type { RemoveEvent } from '../engine/image/image.ts';
import type { ImageInspect } from '../engine/image/inspect.ts';
import type { HistoryRow } from '../engine/image/history.ts';
import type { ImageSummary } from '../engine/image/image-list.ts';
import type { DiskUsageReport } from '../engine/image/disk-usage.ts';

/** The EngineError of a daemon's error response (its JSON body, or its text as the message). */
export async function errorFromResponse(res: http.IncomingMessage): Promise<EngineError> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    body = { message: text };
  }
  return errorFromBody(body, res.statusCode ?? 500);
}

/** The non-empty lines of an NDJSON response, parsed (a character split between chunks stays whole). */
async function* ndjson<T>(res: Readable): AsyncGenerator<T> {
  let buf = '';
  res.setEncoding('utf8');
  for await (const chunk of res) {
    buf += chunk as string;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield JSON.parse(line) as T;
    }
  }
  let last: T | undefined;
  try {
    last = buf.trim() ? (JSON.parse(buf) as T) : undefined;
  } catch {
    /* a line cut off by a daemon that went away: the caller reports the missing result */
  }
  if (last !== undefined) yield last;
}

type Req = { method?: string; path: string; body?: Readable; headers?: Record<string, string>; signal?: AbortSignal };

export class DaemonClient implements EngineApi {
  readonly mode = 'daemon' as const;
  constructor(readonly socketPath: string) {}

  /** Raw request; resolves with the response once headers arrived; errors become EngineErrors. */
  request(r: Req): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = http.request({ socketPath: this.socketPath, path: r.path, method: r.method ?? 'GET', headers: r.headers, signal: r.signal, maxHeaderSize: MAX_HEADER_BYTES }, (res) => {
        if ((res.statusCode ?? 500) < 400) return resolve(res);
        void errorFromResponse(res).then(reject, reject);
      });
      req.on('error', (err) => reject(new EngineError('UNAVAILABLE', `cannot talk to the lab daemon at ${this.socketPath}: ${err.message}`, { cause: err })));
      if (r.body) {
        r.body.on('error', (err) => req.destroy(err));
        r.body.pipe(req);
      } else req.end();
    });
  }

  async json<T>(r: Req): Promise<T> {
    const res = await this.request(r);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return (text ? JSON.parse(text) : undefined) as T;
  }

  version() {
    return this.json<Awaited<ReturnType<EngineApi['version']>>>({ path: '/version' });
  }
  listImages() {
    return this.json<ImageSummary[]>({ path: '/images/json' });
  }
  inspectImage(name: string) {
    return this.json<ImageInspect>({ path: `/images/${encodeURIComponent(name)}/json` });
  }
  history(name: string) {
    return this.json<HistoryRow[]>({ path: `/images/${encodeURIComponent(name)}/history` });
  }
  async tag(source: string, target: string) {
    await this.json({ method: 'POST', path: `/images/${encodeURIComponent(source)}/tag?repo=${encodeURIComponent(target)}` });
  }
  removeImage(name: string, opts: { force?: boolean } = {}) {
    return this.json<RemoveEvent[]>({ method: 'DELETE', path: `/images/${encodeURIComponent(name)}${opts.force ? '?force=1' : ''}` });
  }
  async save(names: string[], out: Writable) {
    const qs = names.map((n) => `names=${encodeURIComponent(n)}`).join('&');
    const res = await this.request({ path: `/images/get?${qs}` });
    await pipeline(res, out);
    // a blob that went bad while streaming: the daemon ends the tar early and says why in a trailer
    const trailer = res.trailers['x-lab-error'];
    if (trailer) {
      let body: { code?: string; message?: string } = {};
      try {
        body = JSON.parse(Buffer.from(trailer, 'base64').toString('utf8'));
      } catch {
        body = { message: 'the daemon reported an error at the end of the archive' };
      }
      throw errorFromBody(body, 500);
    }
  }
  load(input: Readable) {
    return this.json<{ format: string; messages: string[] }>({ method: 'POST', path: '/images/load', body: input, headers: { 'Content-Type': 'application/x-tar' } });
  }
  diskUsage() {
    return this.json<DiskUsageReport>({ path: '/system/df' });
  }
  check() {
    return this.json<CheckReport>({ path: '/system/check' });
  }
  prune(opts: { all?: boolean } = {}) {
    return this.json<PruneReport>({ method: 'POST', path: `/build/prune${opts.all ? '?all=1' : ''}` });
  }

  /** Streams the context tar in, events out; rejects with the build's EngineError on build.error. */
  async build(opts: BuildOptions, context: BuildContextInput, onEvent?: EventSink, signal?: AbortSignal): Promise<BuildResult> {
    const q = new URLSearchParams();
    for (const t of opts.tags ?? []) q.append('t', t);
    if (opts.dockerfilePath) q.set('dockerfile', opts.dockerfilePath);
    if (opts.target) q.set('target', opts.target);
    if (opts.buildArgs) q.set('buildargs', JSON.stringify(opts.buildArgs));
    if (opts.noCache) q.set('nocache', '1');
    if (opts.noCacheFilter?.length) q.set('nocachefilter', opts.noCacheFilter.join(','));
    if (opts.platform) q.set('platform', opts.platform);
    const out = opts.output && opts.output.type !== 'image' ? opts.output : undefined;
    if (out) q.set('outputs', JSON.stringify([{ type: out.type }])); // a type only: the bytes come back to us
    if (opts.sourceDateEpoch !== undefined) q.set('sourcedateepoch', String(opts.sourceDateEpoch));
    const headers: Record<string, string> = { 'Content-Type': 'application/x-tar' };
    if (opts.dockerfileText !== undefined) {
      headers['X-Lab-Dockerfile'] = Buffer.from(opts.dockerfileText).toString('base64');
      if (Buffer.byteLength(opts.dockerfileText) > DOCKERFILE_READ_MAX_BYTES) throw new EngineError('RESOURCE_LIMIT', `the Dockerfile is larger than ${DOCKERFILE_READ_MAX_BYTES} bytes (LAB_MAX_DOCKERFILE_BYTES)`);
    }
    // secret VALUES (read by the CLI), never paths the daemon would open
    if (opts.secrets && Object.keys(opts.secrets).length) headers['X-Lab-Secrets'] = encodeSecrets(opts.secrets);
    let body: Readable;
    if ('tar' in context) body = context.tar;
    else {
      const { openContext } = await import('../engine/build-context/index.ts');
      // A Dockerfile inside the context may bring its own <Dockerfile>.dockerignore (which wins).
      const dockerfile = opts.dockerfilePath ? path.join(context.dir, opts.dockerfilePath) : undefined;
      body = (await openContext(context.dir, { dockerfile })).tar();
    }
    const res = await this.request({ method: 'POST', path: `/build?${q}`, body, headers, signal });
    let done: Extract<BuildEvent, { type: 'build.done' | 'build.error' }> | undefined;
    const steps: BuildResult['steps'] = [];
    for await (const e of ndjson<BuildEvent | ExportFrame>(res)) {
      if (isExportFrame(e)) {
        if (!out) continue;
        if (e.type === 'export.end') out.stream.end();
        else if (!out.stream.write(Buffer.from(e.data, 'base64'))) await once(out.stream, 'drain');
        continue;
      }
      if (e.type === 'build.done' || e.type === 'build.error') done = e;
      onEvent?.(e);
    }
    if (!done) throw new EngineError('UNAVAILABLE', 'the daemon ended the build stream without a result (did it crash? see its log)');
    if (done.type === 'build.error') throw new EngineError(done.code as never, done.message, { range: done.range });
    return { imageId: done.imageId, manifestDigest: done.manifestDigest, tags: done.tags, steps, durationMs: done.durationMs };
  }

  /** docker push through the daemon (it has the network): POST /images/{name}/push. */
  async push(name: string, opts: TransferRequest = {}, onLine?: (line: string) => void): Promise<void> {
    await this.transfer(`/images/${encodeURIComponent(name)}/push${opts.insecure ? '?insecure=1' : ''}`, opts, onLine);
  }

  /** docker pull through the daemon: POST /images/create?fromImage=NAME. */
  async pull(name: string, opts: TransferRequest = {}, onLine?: (line: string) => void): Promise<void> {
    const q = new URLSearchParams({ fromImage: name });
    if (opts.insecure) q.set('insecure', '1');
    await this.transfer(`/images/create?${q}`, opts, onLine);
  }

  /** docker login's check through the daemon (POST /auth); the CLI then stores the login itself. */
  async login(server: string, credentials: { username: string; password: string }, opts: { insecure?: boolean } = {}): Promise<void> {
    const body = Buffer.from(JSON.stringify({ ...credentials, serveraddress: server }));
    const { Readable } = await import('node:stream');
    await this.json({ method: 'POST', path: `/auth${opts.insecure ? '?insecure=1' : ''}`, body: Readable.from([body]), headers: { 'Content-Type': 'application/json', 'Content-Length': String(body.length) } });
  }

  /** Sends the login as X-Registry-Auth (base64 JSON, as docker does); reads NDJSON progress. */
  private async transfer(p: string, opts: TransferRequest, onLine?: (line: string) => void): Promise<void> {
    const headers: Record<string, string> = {};
    if (opts.credentials) headers['X-Registry-Auth'] = Buffer.from(JSON.stringify(opts.credentials)).toString('base64');
    const res = await this.request({ method: 'POST', path: p, headers });
    let error: { error: string; code?: string } | undefined;
    let done = false;
    for await (const o of ndjson<{ status?: string; done?: boolean; error?: string; code?: string }>(res)) {
      if (o.error !== undefined) error = { error: o.error, code: o.code };
      else if (o.done) done = true;
      else if (o.status !== undefined) onLine?.(o.status);
    }
    if (error) throw errorFromBody({ code: error.code, message: error.error }, 500);
    if (!done) throw new EngineError('UNAVAILABLE', 'the daemon ended the transfer without a result (did it crash? see its log)');
  }

  async close() {
    /* one request per call; nothing to close */
  }
}

/**
 * The daemon when it answers on $LAB_HOST / $LAB_ROOT/lab.sock, otherwise the state directory
 * opened in this process. `withBuilder` matters only for the direct mode (`lab build`).
 */
export async function connectEngine(opts: { withBuilder?: boolean; env?: Record<string, string | undefined> } = {}): Promise<EngineApi> {
  const env = opts.env ?? process.env;
  const socketPath = resolveSocketPath(env);
  if (fs.existsSync(socketPath) && (await socketAlive(socketPath))) return new DaemonClient(socketPath);
  if (env.LAB_HOST) throw new EngineError('UNAVAILABLE', `no lab daemon answers on ${socketPath} (LAB_HOST is set); start it with "lab daemon" or unset LAB_HOST`);
  const { openEngine } = await import('../engine/daemon/engine.ts');
  const { LocalEngineApi } = await import('../engine/daemon/local-api.ts');
  const withBuilder = opts.withBuilder ?? false;
  return new LocalEngineApi(await openEngine({ root: resolveLabRoot(env), withBuilder, ensureBaseImages: withBuilder }));
}
