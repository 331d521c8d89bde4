// `lab daemon`: the EngineApi over HTTP on a Unix socket (see daemon.ts for the routes).
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.ts';
import type { BuildEvent } from '../progress/events.ts';
import type { EngineApi, BuildOptions, TransferRequest } from './daemon.ts';
import { errorBody, statusForCode } from './http-errors.ts';

import { MAX_HEADER_BYTES, decodeSecrets, exportFrameSink, exportTypeFromQuery } from './build-transport.ts';
import { DOCKERFILE_READ_MAX_BYTES, dockerfileName } from '../build/dockerfile-source.ts';

export { MAX_HEADER_BYTES };

export interface DaemonHandle {
  socketPath: string;
  server: http.Server;
  close(): Promise<void>;
}

/** True when something answers on the socket. */
export function socketAlive(socketPath: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(socketPath);
    const t = setTimeout(() => finish(false), timeoutMs);
    const finish = (v: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(v);
    };
    s.once('connect', () => finish(true));
    s.once('error', () => finish(false));
  });
}

/** Removes a socket file nobody listens on; refuses when a daemon is alive. */
export async function replaceStaleSocket(socketPath: string): Promise<void> {
  const st = await fs.lstat(socketPath).catch(() => undefined);
  if (!st) return;
  if (!st.isSocket()) throw new EngineError('FAILED_PRECONDITION', `${socketPath} exists and is not a socket; remove it or set LAB_HOST`);
  if (await socketAlive(socketPath)) throw new EngineError('ALREADY_EXISTS', `a lab daemon is already listening on ${socketPath}`);
  await fs.rm(socketPath, { force: true });
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': data.length });
  res.end(data);
}

/** The error as JSON with its status; once a stream has begun, the connection is cut instead. */
export function sendError(res: http.ServerResponse, err: unknown, scrub?: (m: string) => string): void {
  const body = errorBody(err);
  if (scrub) body.message = scrub(body.message);
  if (res.headersSent) {
    res.destroy(err as Error);
    return;
  }
  sendJson(res, statusForCode(body.code), body);
}

function jsonParam<T>(q: URLSearchParams, name: string): T | undefined {
  const v = q.get(name);
  if (!v) return undefined;
  try {
    return JSON.parse(v) as T;
  } catch {
    throw new EngineError('INVALID_INPUT', `query parameter ${name} is not valid JSON`);
  }
}

export function buildOptionsFromQuery(q: URLSearchParams): BuildOptions {
  const opts: BuildOptions = {};
  const tags = q.getAll('t');
  if (tags.length) opts.tags = tags;
  // a path inside the context: absolute or climbing names are refused before the context is read
  if (q.get('dockerfile')) opts.dockerfilePath = dockerfileName(q.get('dockerfile')!);
  if (q.get('target')) opts.target = q.get('target')!;
  const args = jsonParam<Record<string, string>>(q, 'buildargs');
  if (args) opts.buildArgs = args;
  if (q.get('nocache') === '1' || q.get('nocache') === 'true') opts.noCache = true;
  if (q.get('nocachefilter')) opts.noCacheFilter = q.get('nocachefilter')!.split(',').filter(Boolean);
  if (q.get('platform')) opts.platform = q.get('platform')!;
  // No host paths over the socket: secrets come as values (X-Lab-Secrets), exports go back as a stream.
  if (q.has('secrets')) throw new EngineError('INVALID_INPUT', 'secrets= is not accepted: the daemon reads no client-named file; the client sends the values in X-Lab-Secrets');
  exportTypeFromQuery(q.get('outputs')); // refuses dest= and unknown types before the build starts
  if (q.get('sourcedateepoch')) opts.sourceDateEpoch = Number(q.get('sourcedateepoch'));
  return opts;
}

export interface HandlerOptions {
  /** Routes served before the image routes (A2's containers); resolves true when it answered. */
  handleContainerRoute?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>;
  /** Rewrites error messages before a client sees them (the namespaced daemon hides host paths). */
  scrub?: (message: string) => string;
}

/** The request handler: pure routing onto an EngineApi (tests call it through a real socket). */
export function createHandler(api: EngineApi, opts: HandlerOptions = {}) {
  const { handleContainerRoute, scrub } = opts;
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://lab');
    const p = url.pathname.replace(/^\/v[0-9.]+(?=\/)/, ''); // docker clients prefix /v1.47
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    try {
      if (await handleContainerRoute?.(req, res)) return;
      if (p === '/_ping') {
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Api-Version': '1.47' });
        return void res.end('OK');
      }
      if (p === '/version' && method === 'GET') return sendJson(res, 200, await api.version());
      if (p === '/build' && method === 'POST') return await handleBuild(api, req, res, q, scrub);
      if (p === '/build/prune' && method === 'POST') return sendJson(res, 200, await api.prune({ all: q.get('all') === '1' || q.get('all') === 'true' }));
      if (p === '/system/df' && method === 'GET') return sendJson(res, 200, await api.diskUsage());
      if (p === '/system/check' && method === 'GET') return sendJson(res, 200, await api.check());
      if (p === '/images/json' && method === 'GET') return sendJson(res, 200, await api.listImages());
      if (p === '/images/get' && method === 'GET') {
        const names = q.getAll('names');
        if (!names.length) throw new EngineError('INVALID_INPUT', 'names= is required');
        for (const n of names) await api.inspectImage(n); // 404 before the tar starts
        if (api.verifyImages) await api.verifyImages(names); // a corrupt blob is named before the tar starts
        res.writeHead(200, { 'Content-Type': 'application/x-tar', Trailer: 'X-Lab-Error' });
        try {
          await api.save(names, res);
        } catch (err) {
          // changed while streaming: the tar ends early and the trailer says why (the CLI reports it)
          const b = errorBody(err);
          if (!res.destroyed) {
            res.addTrailers({ 'X-Lab-Error': Buffer.from(JSON.stringify({ code: b.code, message: scrub ? scrub(b.message) : b.message })).toString('base64') });
            res.end();
          }
        }
        return;
      }
      if (p === '/images/load' && method === 'POST') return sendJson(res, 200, await api.load(req));
      if (p === '/auth' && method === 'POST') {
        const body = await readJsonBody<{ username?: string; password?: string; serveraddress?: string }>(req);
        if (!body.username || !body.password || !body.serveraddress) throw new EngineError('INVALID_INPUT', 'username, password and serveraddress are required');
        await api.login(body.serveraddress, { username: body.username, password: body.password }, { insecure: q.get('insecure') === '1' });
        return sendJson(res, 200, { Status: 'Login Succeeded' });
      }
      if (p === '/images/create' && method === 'POST') {
        const from = q.get('fromImage');
        if (!from) throw new EngineError('INVALID_INPUT', 'fromImage= is required');
        const tag = q.get('tag');
        const name = !tag ? from : tag.startsWith('sha256:') ? `${from}@${tag}` : `${from}:${tag}`;
        return await streamTransfer(res, (onLine) => api.pull(name, transferRequest(req, q), onLine), scrub);
      }
      const m = /^\/images\/(.+?)(\/json|\/history|\/tag|\/push)?$/.exec(p);
      if (m) {
        const name = decodeURIComponent(m[1]);
        const what = m[2];
        if (what === '/json' && method === 'GET') return sendJson(res, 200, await api.inspectImage(name));
        if (what === '/history' && method === 'GET') return sendJson(res, 200, await api.history(name));
        if (what === '/tag' && method === 'POST') {
          const repo = q.get('repo');
          if (!repo) throw new EngineError('INVALID_INPUT', 'repo= is required');
          await api.tag(name, q.get('tag') ? `${repo}:${q.get('tag')}` : repo);
          res.writeHead(201);
          return void res.end();
        }
        if (what === '/push' && method === 'POST') {
          const tag = q.get('tag');
          return await streamTransfer(res, (onLine) => api.push(tag ? `${name}:${tag}` : name, transferRequest(req, q), onLine), scrub);
        }
        if (!what && method === 'DELETE') return sendJson(res, 200, await api.removeImage(name, { force: q.get('force') === '1' || q.get('force') === 'true' }));
      }
      sendJson(res, 404, { code: 'NOT_FOUND', message: `page not found: ${method} ${p}` });
    } catch (err) {
      sendError(res, err, scrub);
    }
  };
}

/** A JSON request body of at most `max` bytes; an empty body is {}. */
export async function readJsonBody<T>(req: http.IncomingMessage, max = 64 * 1024): Promise<T> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > max) throw new EngineError('INVALID_INPUT', 'request body too large');
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8'); // whole, so no character is split between chunks
  try {
    return (text ? JSON.parse(text) : {}) as T;
  } catch {
    throw new EngineError('INVALID_INPUT', 'the request body is not valid JSON');
  }
}

/** X-Registry-Auth (base64 JSON {username, password}, as docker sends it) and insecure=1. */
function transferRequest(req: http.IncomingMessage, q: URLSearchParams): TransferRequest {
  const out: TransferRequest = { insecure: q.get('insecure') === '1' || q.get('insecure') === 'true' };
  const header = req.headers['x-registry-auth'];
  if (typeof header === 'string' && header) {
    let auth: { username?: unknown; password?: unknown };
    try {
      auth = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
    } catch {
      throw new EngineError('INVALID_INPUT', 'X-Registry-Auth is not base64-encoded JSON');
    }
    if (typeof auth.username === 'string' && typeof auth.password === 'string' && auth.username) {
      out.credentials = { username: auth.username, password: auth.password };
    }
  }
  return out;
}

/**
 * Push/pull progress as application/x-ndjson: {"status": line} per line, then either
 * {"status": "done"} or {"error": message, "code": code} (like dockerd's errorDetail).
 */
async function streamTransfer(res: http.ServerResponse, run: (onLine: (line: string) => void) => Promise<void>, scrub?: (m: string) => string): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  const write = (o: unknown) => {
    if (!res.destroyed) res.write(`${JSON.stringify(o)}\n`);
  };
  try {
    await run((line) => write({ status: line }));
    write({ status: 'done', done: true });
  } catch (err) {
    const b = errorBody(err);
    write({ error: scrub ? scrub(b.message) : b.message, code: b.code });
  }
  res.end();
}

async function handleBuild(api: EngineApi, req: http.IncomingMessage, res: http.ServerResponse, q: URLSearchParams, scrub?: (m: string) => string): Promise<void> {
  const opts = buildOptionsFromQuery(q);
  // a Dockerfile from outside the context (-f ../x, -f -) travels in a header, base64
  const text = req.headers['x-lab-dockerfile'];
  if (typeof text === 'string' && text) {
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length > DOCKERFILE_READ_MAX_BYTES) throw new EngineError('RESOURCE_LIMIT', `the Dockerfile is ${bytes.length} bytes; at most ${DOCKERFILE_READ_MAX_BYTES} (LAB_MAX_DOCKERFILE_BYTES)`);
    opts.dockerfileText = bytes.toString('utf8');
  }
  const secrets = req.headers['x-lab-secrets'];
  if (typeof secrets === 'string' && secrets) opts.secrets = decodeSecrets(secrets);
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort(new EngineError('UNAVAILABLE', 'the client went away; build cancelled'));
  });
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  let terminal = false;
  const write = (e: BuildEvent) => {
    if (e.type === 'build.done' || e.type === 'build.error') terminal = true;
    if (scrub && e.type === 'build.error') e = { ...e, message: scrub(e.message) };
    if (!res.destroyed) res.write(`${JSON.stringify(e)}\n`);
  };
  const exportType = exportTypeFromQuery(q.get('outputs'));
  if (exportType) {
    const stream = exportFrameSink(
      (line) => !res.destroyed && res.write(line),
      (cb) => {
        if (res.destroyed) return cb(new EngineError('UNAVAILABLE', 'the client went away during the export'));
        const onClose = () => cb(new EngineError('UNAVAILABLE', 'the client went away during the export'));
        res.once('close', onClose);
        res.once('drain', () => {
          res.off('close', onClose);
          cb();
        });
      },
    );
    opts.output = { type: exportType, stream };
  }
  try {
    await api.build(opts, { tar: req }, write, abort.signal);
  } catch (err) {
    if (!terminal) {
      const b = errorBody(err);
      write({ type: 'build.error', time: Date.now(), durationMs: 0, code: b.code, message: b.message, range: b.range as { start: number; end: number } | undefined });
    }
  }
  req.resume(); // a failed build may not have read the whole context
  res.end();
}

export interface StartDaemonOptions extends HandlerOptions {
  /** Socket file mode; default 0660 (root and its group). The namespaced daemon uses 0666. */
  mode?: number;
}

/** Starts listening; replaces a stale socket; the socket file is 0660 unless opts.mode says. */
export async function startDaemon(api: EngineApi, socketPath: string, opts: StartDaemonOptions = {}): Promise<DaemonHandle> {
  await fs.mkdir(path.dirname(socketPath), { recursive: true });
  await replaceStaleSocket(socketPath);
  const handler = createHandler(api, opts);
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => void handler(req, res));
  server.requestTimeout = 0; // builds stream for as long as they run
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  await fs.chmod(socketPath, opts.mode ?? 0o660).catch(() => undefined);
  let closed = false;
  return {
    socketPath,
    server,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await fs.rm(socketPath, { force: true });
      await api.close();
    },
  };
}
