// The container verbs' link to the daemon (containers live in the daemon: they outlive the
// CLI), and `lab container ls|rm|diff|run` as the group form of ps/rm/diff/run.
import http from 'node:http';
import type { Readable } from 'node:stream';
import type { Command } from '../main.ts';
import { DaemonClient, connectEngine, errorFromResponse } from '../daemon-client.ts';
import { EngineError } from '../../engine/errors.ts';

/** The daemon's client; containers need a running daemon (no direct mode). */
export async function containerClient(): Promise<DaemonClient> {
  const api = await connectEngine();
  if (api instanceof DaemonClient) return api;
  await api.close();
  throw new EngineError('UNAVAILABLE', 'containers run in the lab daemon, and none is running: start it with "lab daemon" (in the lab terminal it is always there)');
}

/**
 * A streaming request whose body (stdin) may still flow while the response (output) is read:
 * resolves with the response once its headers arrived, plus the request to end or destroy.
 */
export function duplexRequest(socketPath: string, path: string, body?: Readable): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path, method: 'POST', headers: body ? { 'Transfer-Encoding': 'chunked', 'Content-Type': 'application/octet-stream' } : {} });
    req.on('response', (res) => {
      if ((res.statusCode ?? 500) < 400) return resolve({ req, res });
      void errorFromResponse(res).then(reject, reject);
    });
    req.on('error', (err) => reject(new EngineError('UNAVAILABLE', `cannot talk to the lab daemon at ${socketPath}: ${err.message}`, { cause: err })));
    if (body) {
      req.flushHeaders();
      body.on('data', (c: Buffer) => req.write(c));
      body.on('end', () => req.end());
    } else req.end();
  });
}

/** Splits Docker's multiplexed stream (8-byte header: stream, 0, 0, 0, size BE) into frames. */
export class Demuxer {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: (stream: number, payload: Buffer) => void) {}
  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      this.onFrame(this.buf[0], this.buf.subarray(8, 8 + size));
      this.buf = this.buf.subarray(8 + size);
    }
  }
}

/** "docker: Error response from daemon"-style line, in our words, and Docker's exit code 125. */
export function daemonError(err: unknown): number {
  const e = err as { code?: string; message?: string };
  process.stderr.write(`docker: the daemon refused: ${e.message ?? String(err)}${e.code ? ` [${e.code}]` : ''}\n`);
  return 125;
}

const command: Command = {
  summary: 'manage containers: container ls|rm|diff|run|start (same as ps, rm, diff, run, start)',
  async run(args) {
    const [sub, ...rest] = args;
    // literal import() calls, so that a bundler (the sandbox's prebuilt CLI) sees every verb
    const ps = () => import('./ps.ts');
    const rm = () => import('./rm.ts');
    const verbs: Record<string, () => Promise<{ default: Command }>> = {
      ls: ps, ps, list: ps, rm, remove: rm, diff: () => import('./diff.ts'), run: () => import('./run.ts'), start: () => import('./start.ts'),
    };
    if (!sub || !Object.hasOwn(verbs, sub)) {
      process.stderr.write('Usage: lab container ls|rm|diff|run|start ...\n');
      return 2;
    }
    const mod = await verbs[sub]();
    return mod.default.run(rest);
  },
};
export default command;
