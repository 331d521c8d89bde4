// The custom server's routing, apart from process start-up so tests can drive it with a stub
// Next handler: /v2 and /v2/* go straight to the registry's node handler (its headers reach the
// client untouched), a WebSocket upgrade on /api/terminal goes to the terminal endpoint after
// an Origin check, every other upgrade (Next's HMR in dev) and request goes to Next.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;
type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown;

export interface RouterOptions {
  /** The registry's handler (lib/site/registry-server.ts registryHandler()). */
  registry: () => RequestHandler;
  /** Next's request handler (app.getRequestHandler()), or a stub in tests. */
  next: RequestHandler;
  /** Next's upgrade handler (dev: HMR); other upgrades are closed when absent. */
  nextUpgrade?: UpgradeHandler;
  /** Plain (non-upgrade) requests to /api/terminal: why a connect would fail. Else Next (404). */
  terminalInfo?: RequestHandler;
  /** The terminal's WebSocket endpoint; absent → 503 (the runtime is not ready or failed). */
  terminal?: () => Promise<{ handleUpgrade: UpgradeHandler } | undefined>;
  /** Origins allowed besides the request's own host (LAB_PUBLIC_ORIGIN behind a TLS proxy). */
  extraOrigins?: string[];
}

export interface Router {
  request(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export const TERMINAL_PATH = '/api/terminal';

export function isRegistryPath(pathname: string): boolean {
  return pathname === '/v2' || pathname.startsWith('/v2/');
}

/**
 * A browser always sends Origin on a WebSocket handshake, and a page on another site can open a
 * socket to us carrying our cookie (cross-site WebSocket hijacking): only our own origin passes.
 */
export function sameOriginUpgrade(req: IncomingMessage, extraOrigins: string[] = []): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (!origin || !host) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.host === host) return true;
  return extraOrigins.some((o) => o.replace(/\/+$/, '') === url.origin);
}

function pathOf(req: IncomingMessage): string {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  return q < 0 ? raw : raw.slice(0, q);
}

export function createRouter(opts: RouterOptions): Router {
  function fail(res: ServerResponse, err: unknown): void {
    console.error('server: request failed:', err);
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal Server Error\n');
    } else res.destroy();
  }

  return {
    request(req, res) {
      try {
        const p = pathOf(req);
        const handler = isRegistryPath(p) ? opts.registry() : p === TERMINAL_PATH && opts.terminalInfo ? opts.terminalInfo : opts.next;
        const out = handler(req, res);
        if (out instanceof Promise) out.catch((err) => fail(res, err));
      } catch (err) {
        fail(res, err);
      }
    },
    upgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      if (pathOf(req) === TERMINAL_PATH) {
        if (!sameOriginUpgrade(req, opts.extraOrigins)) return refuse(socket, 403, 'Forbidden');
        void (async () => {
          const endpoint = await opts.terminal?.().catch((err) => {
            console.error('server: terminal unavailable:', err);
            return undefined;
          });
          if (!endpoint) return refuse(socket, 503, 'Service Unavailable');
          await endpoint.handleUpgrade(req, socket, head);
        })().catch(() => socket.destroy());
        return;
      }
      if (opts.nextUpgrade) {
        const out = opts.nextUpgrade(req, socket, head);
        if (out instanceof Promise) out.catch(() => socket.destroy());
        return;
      }
      socket.destroy();
    },
  };
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
