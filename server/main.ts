// The lab's web server: Next.js behind our own node:http server, because two things cannot live
// inside Next's request pipeline — the registry at /v2 (its node handler must write the exact
// headers: Content-Length on HEAD, Range, Location) and the terminal's WebSocket on
// /api/terminal. See server/README.md.
//
//   tsx server/main.ts [--dev] [--port N] [--host H]      (npm start / npm run dev)
import http from 'node:http';
import { parseArgs } from 'node:util';
import next from 'next';
import { createRouter } from './router.ts';
import { labTerminalEndpoint, terminalCheck } from './terminal.ts';
import { registryHandler } from '../lib/site/registry-server.ts';
import { closeRuntime, getRuntime } from '../lib/runtime/start-runtime.ts';
import type { LabRuntime } from '../lib/runtime/runtime.ts';
import { shellProblem } from '../lib/runtime/shell-availability.ts';
import { db } from '../lib/db.ts';
import type { TerminalEndpoint } from '../lib/terminal/ws-endpoint.ts';

const { values } = parseArgs({
  options: { dev: { type: 'boolean' }, port: { type: 'string', short: 'p' }, host: { type: 'string', short: 'H' } },
});
const dev = values.dev ?? process.env.NODE_ENV === 'development';
const hostname = values.host ?? process.env.HOST ?? '127.0.0.1';
const port = Number(values.port ?? process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${values.port ?? process.env.PORT}`);
if (!dev) (process.env as Record<string, string>).NODE_ENV ??= 'production';
process.env.PORT = String(port); // the daemon allows its registry calls to this port on loopback (lib/runtime/daemon-wiring.ts)

const app = next({ dev, hostname, port, dir: process.cwd() });
await app.prepare();

// The engine, daemon, queue and shells start in the background: the site answers at once, and
// a machine that cannot run them (not root, no bwrap) still serves the lesson.
const state: { runtime?: LabRuntime; problem?: string | null; error?: string } = { problem: shellProblem() };
let terminal: Promise<TerminalEndpoint | undefined> | undefined;
function terminalEndpoint(): Promise<TerminalEndpoint | undefined> {
  terminal ??= getRuntime()
    .then((rt) => {
      state.runtime = rt;
      return labTerminalEndpoint(rt, db());
    })
    .catch((err) => {
      state.error = (err as Error).message;
      console.error(`server: the build runtime did not start: ${state.error}`);
      terminal = undefined; // the next connection tries again
      return undefined;
    });
  return terminal;
}
void terminalEndpoint();

async function terminalInfo(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const { status, message } = await terminalCheck(db(), req, state);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ ok: status === 200, message }));
}

const router = createRouter({
  registry: () => registryHandler(),
  next: app.getRequestHandler(),
  nextUpgrade: dev ? app.getUpgradeHandler() : undefined,
  terminal: terminalEndpoint,
  terminalInfo: (req, res) => terminalInfo(req, res),
  extraOrigins: process.env.LAB_PUBLIC_ORIGIN ? [process.env.LAB_PUBLIC_ORIGIN] : [],
});

const server = http.createServer((req, res) => router.request(req, res));
server.on('upgrade', (req, socket, head) => router.upgrade(req, socket, head));
server.requestTimeout = 0; // pushes and build streams may take long; Node's 5 min default would cut them
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, hostname, () => resolve());
});
console.log(`> lab ready on http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port} (${dev ? 'dev' : 'production'})`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) process.exit(1); // a second signal: give up waiting
  stopping = true;
  console.log(`server: ${signal}, shutting down`);
  server.close();
  server.closeIdleConnections();
  (await terminal)?.close();
  await closeRuntime(); // shells, then the queue, then the daemon
  await app.close().catch(() => undefined);
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
