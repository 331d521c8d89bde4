// The browser's terminal connection against the real endpoint behind the real router (a stub
// Next), with a WebSocket that sends what a browser sends (Origin, cookie) and a stand-in for
// xterm that records what it is given: the restored screen after (re)connect, acks after each
// write, reconnect to the same shell after a dropped socket, no reconnect after the shell exits.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Terminal } from '@xterm/xterm';
import { TerminalConnection, type ShellExit, type TerminalStatus } from './terminal-connection.ts';
import { createRouter } from '../../server/router.ts';
import { SessionManager } from '../../lib/terminal/session-manager.ts';
import { createTerminalEndpoint } from '../../lib/terminal/ws-endpoint.ts';
import { cgroupsAvailable } from '../../lib/terminal/shell-cgroup.ts';

const canSandbox = cgroupsAvailable() && fs.existsSync('/usr/bin/bwrap');
if (!canSandbox) console.warn('terminal-connection.test: skipped — a real shell needs root, cgroups and bwrap (Debian bubblewrap)');

class FakeTerm {
  cols = 100;
  rows = 30;
  text = '';
  resets = 0;
  reset(): void {
    this.resets++;
    this.text = '';
  }
  write(data: string | Uint8Array, cb?: () => void): void {
    this.text += typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    setTimeout(() => cb?.(), 1); // xterm calls back after parsing
  }
}

async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!canSandbox)('TerminalConnection', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-termconn-'));
  const manager = new SessionManager({ idleMs: 60_000 });
  const sockets = new Set<Duplex>();
  let server: http.Server;
  let host: string;
  const g = globalThis as unknown as { WebSocket?: unknown; location?: unknown };
  const saved = { WebSocket: g.WebSocket, location: g.location };

  beforeAll(async () => {
    const endpoint = createTerminalEndpoint({
      manager,
      authenticate: (req) => (req.headers.cookie === 'lab_session=ok' ? 'user1' : null),
      shellFor: () => ({ workspaceDir: root }),
      pingMs: 60_000,
    });
    const router = createRouter({ registry: () => () => undefined, next: (_q, res) => res.end(), terminal: async () => endpoint });
    server = http.createServer((req, res) => router.request(req, res));
    server.on('upgrade', (req, socket, head) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      router.upgrade(req, socket, head);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    // what a browser provides: a global WebSocket that sends the page's Origin and cookies
    g.WebSocket = class extends WebSocket {
      constructor(url: string) {
        super(url, { headers: { origin: `http://${host}`, cookie: 'lab_session=ok' } });
      }
    };
    g.location = { protocol: 'http:', host };
  });

  afterAll(async () => {
    g.WebSocket = saved.WebSocket;
    g.location = saved.location;
    await manager.closeAll();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('restores the screen, acks output, reconnects to the same shell and stops after exit', async () => {
    const term = new FakeTerm();
    const statuses: TerminalStatus[] = [];
    let exit: ShellExit | undefined;
    const c = new TerminalConnection(term as unknown as Terminal, 'conn-test', {
      status: (s) => statuses.push(s),
      exit: (e) => (exit = e),
      error: (m) => {
        throw new Error(m);
      },
    });
    c.start();
    onTestFinished(() => c.stop());
    await until(() => statuses.at(-1) === 'connected', 'connected');
    expect(statuses[0]).toBe('connecting');
    const session = manager.require('user1', 'conn-test');
    await until(() => session.cols === 100 && session.rows === 30, 'the resize sent after hello');

    c.input('echo "marker-$((6*7))"\r');
    await until(() => term.text.includes('marker-42'), 'command output');
    // every byte written was acknowledged (no unacked bytes left on the server)
    await until(() => [...session.clients].every((a) => a.unacked === 0), 'acks');
    const pid = session.shell.pid;

    // the socket drops (network blip): the client comes back to the same shell, screen restored
    for (const s of sockets) s.destroy();
    await until(() => statuses.includes('reconnecting'), 'reconnecting');
    await until(() => statuses.at(-1) === 'connected' && term.resets >= 2, 'reconnected');
    expect(manager.require('user1', 'conn-test').shell.pid).toBe(pid);
    expect(term.text).toContain('marker-42'); // from the serialized screen in hello

    c.input('exit\r');
    await until(() => exit !== undefined, 'exit message');
    expect(exit?.reason).toBe('exit');
    await until(() => statuses.at(-1) === 'disconnected', 'disconnected');
    await new Promise((r) => setTimeout(r, 800));
    expect(statuses.at(-1)).toBe('disconnected'); // no reconnect loop after the shell ended
    expect(manager.get('user1', 'conn-test')).toBeUndefined();

    // "Start a new shell": the same id starts a fresh one
    c.start();
    await until(() => statuses.at(-1) === 'connected', 'new shell');
    expect(manager.require('user1', 'conn-test').shell.pid).not.toBe(pid);
    c.stop();
  }, 60_000);

  it('reports a refused handshake (no hello) so the page can ask the server why', async () => {
    let refused = 0;
    const statuses: TerminalStatus[] = [];
    const c = new TerminalConnection(new FakeTerm() as unknown as Terminal, 'not a valid id!', {
      status: (s) => statuses.push(s),
      exit: () => undefined,
      error: () => undefined,
      refused: () => refused++,
    });
    c.start();
    onTestFinished(() => c.stop());
    await until(() => refused >= 2, 'two refused attempts');
    expect(statuses).not.toContain('connected');
    expect(statuses.at(-1)).toBe('reconnecting');
  }, 30_000);
});
