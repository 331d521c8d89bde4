// Sandbox proofs beyond terminal.test.ts (issue 6 "Proof"): no route to any host address, own pid
// namespace, and a fork bomb plus a memory hog running at once (two students) while the web
// server and a third student's shell keep answering within a measured bound. Needs root, bwrap, cgroups.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionManager } from './session-manager.ts';
import { cgroupsAvailable } from './shell-cgroup.ts';
import { createTerminalEndpoint, type TerminalEndpoint } from './ws-endpoint.ts';
import { TestTerminalClient } from './testing/ws-test-client.ts';

const canSandbox = cgroupsAvailable() && fs.existsSync('/usr/bin/bwrap');
if (!canSandbox) console.warn('sandbox-limits tests skipped: they need root, cgroups (memory, pids, cpu, freezer) and bubblewrap (apt-get install bubblewrap)');

/** Every IPv4 address of this host (loopback included): none may be reachable from the shell. */
function hostAddresses(): string[] {
  const all = Object.values(os.networkInterfaces()).flatMap((l) => l ?? []);
  return [...new Set(['127.0.0.1', ...all.filter((a) => a.family === 'IPv4').map((a) => a.address)])];
}

describe.skipIf(!canSandbox)('sandbox limits and isolation', () => {
  let tmp: string;
  let server: http.Server;
  let endpoint: TerminalEndpoint;
  let manager: SessionManager;
  let port: number;
  const clients: TestTerminalClient[] = [];

  async function connect(user: string, session = 'main') {
    const c = await TestTerminalClient.connect(`ws://127.0.0.1:${port}/api/terminal?session=${session}`, { 'x-test-user': user });
    clients.push(c);
    return c;
  }

  /** One HTTP round trip to the web server, in ms. */
  function httpRoundTrip(): Promise<number> {
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(performance.now() - t0));
      }).on('error', reject);
    });
  }

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-limits-'));
    for (const u of ['ann', 'ben', 'cat']) fs.mkdirSync(path.join(tmp, u), { recursive: true });
    manager = new SessionManager();
    endpoint = createTerminalEndpoint({
      manager,
      authenticate: (req) => (req.headers['x-test-user'] as string | undefined) ?? null,
      // ben runs the fork bomb, cat the memory hog: small limits so the test is quick
      shellFor: (user) => ({ workspaceDir: path.join(tmp, user), limits: user === 'ann' ? {} : { pids: 64, memoryBytes: 128 * 1024 * 1024 } }),
    });
    server = http.createServer((_req, res) => res.end('ok'));
    server.on('upgrade', (req, socket, head) => void endpoint.handleUpgrade(req, socket, head));
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await manager?.closeAll();
    endpoint?.close();
    await new Promise((r) => server?.close(r));
    expect(manager?.list()).toEqual([]);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('reaches no address of the host: a listener on 0.0.0.0 sees no connection from the shell', async () => {
    let connections = 0;
    const listener = net.createServer((s) => { connections++; s.destroy(); });
    await new Promise<void>((r) => listener.listen(0, '0.0.0.0', r));
    const lport = (listener.address() as AddressInfo).port;
    try {
      const c = await connect('ann');
      const addrs = hostAddresses();
      const cmd = addrs.map((a) => `(exec 3<>/dev/tcp/${a}/${lport}) 2>/dev/null && echo "OPEN:${a}" || echo "SHUT:${a}"`).join('; ');
      const out = await c.run(`${cmd}; echo IF=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\\n' ,); echo NET""-END`, /NET-END/, 20_000);
      for (const a of addrs) expect(out, a).toContain(`SHUT:${a}`);
      expect(out).toContain('IF=lo,'); // only the namespace's own loopback
      expect(connections).toBe(0);
    } finally {
      listener.close();
    }
  });

  it('has its own pid namespace: the server and other shells are invisible', async () => {
    const other = await connect('ben', 'peer');
    const c = await connect('ann');
    const out = await c.run(`ls -d /proc/[0-9]* | wc -l; test -e /proc/${process.pid} && echo SEES-SERVER || echo NO-SERVER; test -e /proc/${other.hello!.pid} && echo SEES-PEER || echo NO-PEER; echo PID""-END`, /PID-END/);
    expect(out).toContain('NO-SERVER');
    expect(out).toContain('NO-PEER');
    expect(Number(/^\s*(\d+)\s*$/m.exec(out)?.[1])).toBeLessThan(20);
    await manager.kill('ben', 'peer');
  });

  it('fork bomb and memory hog at once: both contained, the web server and another shell keep answering', async () => {
    const bystander = await connect('ann');
    await bystander.run('echo ready', /ready/);
    const bomber = await connect('ben', 'bomb');
    const hogger = await connect('cat', 'hog');
    const bomb = manager.get('ben', 'bomb')!;
    bomber.send('bomb() { bomb | bomb & }; bomb\r');
    hogger.send('for i in 1 2 3 4 5 6; do head -c 400m /dev/zero | tail >/dev/null; echo "hog-exit=$?"; done\r');

    const httpMs: number[] = [];
    const echoMs: number[] = [];
    let maxProcs = 0;
    const until = Date.now() + 5000;
    for (let i = 0; Date.now() < until; i++) {
      httpMs.push(await httpRoundTrip());
      const t0 = performance.now();
      await bystander.run(`echo by-${i}-$((${i}+1))`, new RegExp(`by-${i}-${i + 1}`), 5000);
      echoMs.push(performance.now() - t0);
      maxProcs = Math.max(maxProcs, bomb.shell.processes().length);
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`under fork bomb + memory hog: http max ${Math.max(...httpMs).toFixed(0)} ms over ${httpMs.length} requests; bystander command max ${Math.max(...echoMs).toFixed(0)} ms; bomb peak ${maxProcs} processes`);
    expect(maxProcs).toBeGreaterThan(10); // the bomb really ran
    expect(maxProcs).toBeLessThanOrEqual(64);
    await hogger.until(() => /hog-exit=\d+/.test(hogger.text), 20_000, 'a hog to end');
    expect(hogger.text).toMatch(/hog-exit=(137|1)\b/); // OOM-killed, not finished
    // bounds generous for a loaded 2-core CI machine; a frozen server would blow them
    expect(Math.max(...httpMs)).toBeLessThan(1000);
    expect(Math.max(...echoMs)).toBeLessThan(2000);
    await manager.kill('ben', 'bomb');
    await manager.kill('cat', 'hog');
    expect(bomb.shell.processes()).toEqual([]);
    expect(await bystander.run('echo after-$((2*3))', /after-6/)).toContain('after-6');
  }, 60_000);
});
