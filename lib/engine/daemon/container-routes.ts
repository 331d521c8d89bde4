// The daemon's container endpoints (Docker Engine API shapes) over a namespace view's
// ContainerManager. Mounted before the image routes: the handler resolves true when it answered.
//
//   POST   /containers/create?name=   {Image, Cmd, Entrypoint, Env, WorkingDir, User, Tty,
//                                     OpenStdin, HostConfig: {AutoRemove}} -> 201 {Id, Warnings}
//   POST   /containers/{id}/attach?stdin=1   full-duplex HTTP: the request body is the
//          process's stdin (chunked, its end = EOF), the response body its output, open until
//          the process exits. Tty: raw bytes. Else Docker's multiplexed stream: each frame is
//          an 8-byte header [stream (1 stdout, 2 stderr), 0, 0, 0, size uint32 BE] + payload.
//          (Docker hijacks the connection with an HTTP Upgrade; a plain request handler cannot,
//          and HTTP/1.1 lets both bodies flow at once, which is all the CLI needs.)
//   POST   /containers/{id}/start?h=&w=      204 (h/w: the tty's initial size)
//   POST   /containers/{id}/resize?h=&w=     200
//   POST   /containers/{id}/kill?signal=INT  204
//   POST   /containers/{id}/wait?condition=next-exit   {StatusCode} once it exited (and --rm
//          removed it); next-exit: the end of the next run, even if it is exited now
//   GET    /containers/json?all=1            [{Id, Names, Image, ImageID, Command, Created, State, Status}]
//   GET    /containers/{id}/json             the container record
//   DELETE /containers/{id}?force=1          204
//   GET    /containers/{id}/changes          [{Path, Kind}] (0 changed, 1 added, 2 deleted)
import type http from 'node:http';
import path from 'node:path';
import { EngineError } from '../errors.ts';
import type { ContainerRecord, CreateContainerOptions, TerminalSpawner } from '../container/container.ts';
import { ContainerManager } from '../container/container-manager.ts';
import { humanDuration } from '../image/human-units.ts';
import type { Engine } from './engine.ts';
import { readJsonBody, sendError, sendJson } from './http-server.ts';

export type RouteHandler = ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>) & {
  /** Kills this view's running containers (daemon shutdown). */
  close(): Promise<void>;
};

const KIND = { C: 0, A: 1, D: 2 } as const;
const MAX_BODY = 1 << 20;

/** One manager per containers dir, shared by every view of the same namespace. */
const managers = new Map<string, Promise<ContainerManager>>();

export function containerManagerFor(view: Engine, opts: { spawnTerminal?: TerminalSpawner } = {}): Promise<ContainerManager> {
  const dir = path.resolve(view.containersDir);
  let m = managers.get(dir);
  if (!m) {
    const mgr = new ContainerManager({ dir, images: view.images, snapshotter: view.snapshotter, spawnTerminal: opts.spawnTerminal });
    m = mgr.init().then(() => mgr);
    m.catch(() => managers.delete(dir));
    managers.set(dir, m);
  }
  return m;
}

export function containerRoutes(view: Engine, opts: { spawnTerminal?: TerminalSpawner } = {}): RouteHandler {
  const handler = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://lab');
    const p = url.pathname.replace(/^\/v[0-9.]+(?=\/)/, '');
    if (!p.startsWith('/containers/')) return false;
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    try {
      const m = await containerManagerFor(view, opts);
      if (p === '/containers/json' && method === 'GET') {
        sendJson(res, 200, (await m.list({ all: flag(q, 'all') })).map((c) => summary(c)));
        return true;
      }
      if (p === '/containers/create' && method === 'POST') {
        const body = await readJsonBody<Record<string, unknown>>(req, MAX_BODY);
        const rec = await m.create(createOptions(body, q.get('name') ?? undefined));
        sendJson(res, 201, { Id: rec.id, Warnings: [] });
        return true;
      }
      const match = /^\/containers\/([^/]+)(\/[a-z]+)?$/.exec(p);
      if (!match) return false;
      const ref = decodeURIComponent(match[1]);
      const action = match[2] ?? '';
      if (action === '/attach' && method === 'POST') return await attach(m, ref, req, res, flag(q, 'stdin'));
      if (action === '/start' && method === 'POST') {
        await m.start(ref, size(q));
        res.writeHead(204).end();
        return true;
      }
      if (action === '/kill' && method === 'POST') {
        await m.kill(ref, q.get('signal') ?? 'KILL');
        res.writeHead(204).end();
        return true;
      }
      if (action === '/resize' && method === 'POST') {
        const s = size(q);
        if (!s) throw new EngineError('INVALID_INPUT', 'resize needs h= and w=');
        await m.resize(ref, s.cols, s.rows);
        res.writeHead(200).end();
        return true;
      }
      if (action === '/wait' && method === 'POST') {
        sendJson(res, 200, { StatusCode: (await m.wait(ref, { nextExit: q.get('condition') === 'next-exit' })).exitCode });
        return true;
      }
      if (action === '/json' && method === 'GET') {
        sendJson(res, 200, await m.inspect(ref));
        return true;
      }
      if (action === '/changes' && method === 'GET') {
        sendJson(res, 200, (await m.changes(ref)).map((c) => ({ Path: c.path, Kind: KIND[c.kind] })));
        return true;
      }
      if (action === '' && method === 'DELETE') {
        await m.remove(ref, { force: flag(q, 'force') });
        res.writeHead(204).end();
        return true;
      }
      return false;
    } catch (err) {
      sendError(res, err);
      return true;
    }
  };
  return Object.assign(handler, {
    async close() {
      const dir = path.resolve(view.containersDir);
      const m = await managers.get(dir)?.catch(() => undefined);
      managers.delete(dir);
      await m?.close();
    },
  });
}

async function attach(m: ContainerManager, ref: string, req: http.IncomingMessage, res: http.ServerResponse, withStdin: boolean): Promise<boolean> {
  const rec = await m.inspect(ref);
  res.writeHead(200, { 'Content-Type': rec.tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream' });
  res.flushHeaders();
  const detach = await m.attach(rec.id, {
    stdin: withStdin ? req : undefined,
    onOutput: (stream, chunk) => {
      if (res.destroyed) return true;
      if (rec.tty) return res.write(chunk);
      const header = Buffer.alloc(8);
      header[0] = stream === 'stdout' ? 1 : 2;
      header.writeUInt32BE(chunk.length, 4);
      return res.write(Buffer.concat([header, chunk]));
    },
    // a slow reader pauses the container's output instead of growing the daemon's memory
    drain: (cb) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        cb();
      };
      res.on('drain', done);
      res.on('close', done);
    },
    onEnd: () => res.end(),
  });
  if (!withStdin) req.resume();
  res.on('close', () => detach({ lost: !res.writableFinished }));
  return true;
}

function createOptions(b: Record<string, unknown>, name: string | undefined): CreateContainerOptions {
  const strings = (v: unknown, what: string): string[] | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
    throw new EngineError('INVALID_INPUT', `${what} must be a list of strings`);
  };
  if (typeof b.Image !== 'string' || !b.Image) throw new EngineError('INVALID_INPUT', 'Image is required');
  const host = (b.HostConfig ?? {}) as Record<string, unknown>;
  return {
    image: b.Image,
    cmd: strings(b.Cmd, 'Cmd'),
    entrypoint: strings(b.Entrypoint, 'Entrypoint'),
    env: strings(b.Env, 'Env'),
    workingDir: typeof b.WorkingDir === 'string' ? b.WorkingDir : undefined,
    user: typeof b.User === 'string' ? b.User : undefined,
    tty: b.Tty === true,
    openStdin: b.OpenStdin === true,
    autoRemove: host.AutoRemove === true,
    name: name || undefined,
  };
}

/** A row of `docker ps`, with Docker's status text. */
export function summary(c: ContainerRecord, now = Date.now()) {
  const since = (t?: string) => humanDuration(Math.max(0, now - Date.parse(t ?? c.created)));
  const status = c.status === 'running' ? `Up ${since(c.startedAt)}` : c.status === 'exited' ? `Exited (${c.exitCode ?? 0}) ${since(c.finishedAt)} ago` : 'Created';
  return {
    Id: c.id, Names: [`/${c.name}`], Image: c.image, ImageID: c.imageId, Command: c.args.map(quoteArg).join(' '),
    Created: Math.floor(Date.parse(c.created) / 1000), State: c.status, Status: status,
  };
}

/** As dockerd's container list: an argument with a space goes in single quotes, nothing else. */
function quoteArg(a: string, i: number): string {
  return i > 0 && a.includes(' ') ? `'${a}'` : a;
}

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === '1' || v === 'true';
}

function size(q: URLSearchParams): { cols: number; rows: number } | undefined {
  const h = Number(q.get('h'));
  const w = Number(q.get('w'));
  return h > 0 && w > 0 ? { cols: Math.min(w, 1000), rows: Math.min(h, 1000) } : undefined;
}
