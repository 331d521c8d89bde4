// Runs the registry handler on its own node:http server (`lab registry serve`, tests).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RegistryHandler, RegistryOptions } from './registry.ts';
import { createRegistryHandler } from './server/registry-handler.ts';

export interface RunningRegistry {
  server: http.Server;
  handler: RegistryHandler;
  /** "127.0.0.1:PORT" — the host part of image references. */
  host: string;
  url: string;
  close(): Promise<void>;
}

/** listen: "HOST:PORT" or ":PORT" (port 0 picks a free one). */
export async function startRegistryServer(opts: RegistryOptions & { listen?: string }): Promise<RunningRegistry> {
  const handler = createRegistryHandler(opts);
  const server = http.createServer(handler);
  server.keepAliveTimeout = 5000;
  const { hostname, port } = parseListen(opts.listen ?? '127.0.0.1:0');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  return {
    server,
    handler,
    host,
    url: `http://${host}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function parseListen(listen: string): { hostname: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(listen);
  if (!m) return { hostname: listen || '127.0.0.1', port: 5000 };
  return { hostname: (m[1] || '0.0.0.0').replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}
