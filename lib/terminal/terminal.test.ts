// The sandboxed terminal end to end: a real http server, the ws endpoint, real WebSocket
// clients, bash in bubblewrap with cgroup limits. Needs root, bwrap and cgroups.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionManager } from './session-manager.ts';
import { cgroupsAvailable, ShellCgroup, sweepShellCgroups } from './shell-cgroup.ts';
import { createTerminalEndpoint, type TerminalEndpoint } from './ws-endpoint.ts';
import { REPO_DIR } from './sandbox-args.ts';
import { TestTerminalClient } from './testing/ws-test-client.ts';
import { openEngine } from '../engine/daemon/engine.ts';
import { LocalEngineApi } from '../engine/daemon/local-api.ts';
import { startDaemon, type DaemonHandle } from '../engine/daemon/http-server.ts';

const canSandbox = cgroupsAvailable() && fs.existsSync('/usr/bin/bwrap');
if (!canSandbox) console.warn('terminal tests skipped: they need root, cgroups (memory, pids, cpu, freezer) and bubblewrap (apt-get install bubblewrap)');

describe.skipIf(!canSandbox)('sandboxed terminal over WebSocket', () => {
  let tmp: string;
  let server: http.Server;
  let endpoint: TerminalEndpoint;
  let manager: SessionManager;
  let base: string;
  let daemon: DaemonHandle | undefined;
  let daemonSocket: string;
  const clients: TestTerminalClient[] = [];
  const ws = (user: string) => path.join(tmp, 'workspaces', user);

  async function connect(user: string, session: string, opts: { autoAck?: boolean; keepText?: boolean } = {}) {
    const c = await TestTerminalClient.connect(`${base}/terminal?session=${session}`, { 'x-test-user': user }, opts);
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-test-'));
    for (const u of ['alice', 'bob', 'carol']) fs.mkdirSync(ws(u), { recursive: true });
    fs.writeFileSync(path.join(ws('alice'), '.hidden-start'), 'x');
    fs.writeFileSync(path.join(ws('alice'), 'app.py'), 'print("hi")\n');
    fs.writeFileSync(path.join(ws('bob'), 'bob-secret.txt'), 'bob only\n');
    daemonSocket = path.join(tmp, 'engine', 'lab.sock');
    const engine = await openEngine({ root: path.join(tmp, 'engine'), withBuilder: false, ensureBaseImages: false });
    daemon = await startDaemon(new LocalEngineApi(engine), daemonSocket);
    manager = new SessionManager({ flow: { highWater: 128 * 1024, lowWater: 16 * 1024 } });
    endpoint = createTerminalEndpoint({
      manager,
      authenticate: (req) => (req.headers['x-test-user'] as string | undefined) ?? null,
      shellFor: (user, session) => ({
        workspaceDir: ws(user),
        daemonSocket: session === 'docker' ? daemonSocket : undefined,
        limits: session === 'bomb' ? { pids: 64, memoryBytes: 128 * 1024 * 1024 } : { diskBytes: session === 'disk' ? 8 * 1024 * 1024 : 64 * 1024 * 1024 },
      }),
      pingMs: 1000,
    });
    server = http.createServer((_req, res) => res.end('ok'));
    server.on('upgrade', (req, socket, head) => void endpoint.handleUpgrade(req, socket, head));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await manager?.closeAll();
    endpoint?.close();
    await daemon?.close();
    await new Promise((r) => server?.close(r));
    expect(manager?.list()).toEqual([]);
    for (const c of ['memory', 'pids', 'cpu', 'freezer']) {
      const dir = `/sys/fs/cgroup/${c}/lab-terminal`;
      if (fs.existsSync(dir)) expect(fs.readdirSync(dir).filter((d) => d.startsWith(`t${process.pid}-`))).toEqual([]);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('echoes a command through a real ws client, as the sandbox user in /workspace', async () => {
    const c = await connect('alice', 'main');
    expect(c.hello?.pid).toBeGreaterThan(0);
    const out = await c.run('echo hi-$((40+2)); id -un; pwd; echo "$HOME $LAB_HOST"', /\/workspace \S+/);
    expect(out).toContain('hi-42');
    expect(out).toMatch(/student\r\n\/workspace\r\n/);
    expect(out).toContain('/workspace unix:///run/lab.sock');
  });

  it('ls -a /workspace shows the files put there, and docker is the lab CLI', async () => {
    const c = await connect('alice', 'main');
    const out = await c.run('ls -a /workspace; type docker; echo E""ND', /END/);
    expect(out).toContain('.hidden-start');
    expect(out).toContain('app.py');
    expect(out).toContain('docker is /opt/lab-bin/docker');
  });

  it('docker inside is the lab CLI talking to the daemon through /run/lab.sock only', async () => {
    const c = await connect('alice', 'docker');
    const out = await c.run('docker images; echo "rc=$?"; ls -l /run/lab.sock | cut -c1', /rc=\d+[\s\S]*\n[s-]/, 30_000);
    expect(out).toMatch(/REPOSITORY\s+TAG/);
    expect(out).toContain('rc=0');
    expect(out).toMatch(/rc=0\r\ns/);
    await manager.kill('alice', 'docker');
  }, 40_000);

  it('answers application pings, reports bad messages and resizes the pty', async () => {
    const c = await connect('alice', 'main');
    const got: string[] = [];
    c.ws.on('message', (d: Buffer, bin: boolean) => { if (!bin) got.push(d.toString()); });
    c.ws.send(JSON.stringify({ type: 'ping' }));
    c.ws.send('not json');
    c.ws.send(JSON.stringify({ type: 'resize', cols: 101, rows: 33 }));
    await c.until(() => got.length >= 2, 5000);
    expect(got.map((g) => JSON.parse(g).type)).toEqual(['pong', 'error']);
    expect(await c.run('stty size', /\d+ \d+\r\n/)).toContain('33 101');
  });

  it('drops a client that stops answering pings; the shell keeps running', async () => {
    const c = await connect('alice', 'main');
    const session = manager.get('alice', 'main')!;
    const before = session.clients.size;
    (c.ws as unknown as { _socket: net.Socket })._socket.pause(); // no more pongs
    await new Promise((r) => setTimeout(r, 3500));
    expect(session.clients.size).toBe(before - 1);
    expect(session.exit).toBeUndefined();
    c.ws.terminate();
  });

  it('`exit` ends the shell with an exit message; the next connect starts a fresh one', async () => {
    const c = await connect('alice', 'short');
    c.send('exit 3\r');
    await c.until(() => c.exit !== undefined, 10_000, 'exit message');
    expect(c.exit).toMatchObject({ type: 'exit', code: 3, reason: 'exit' });
    const again = await connect('alice', 'short');
    expect(again.hello?.pid).not.toBe(c.hello?.pid);
    expect(await again.run('echo fresh-$((5+5))', /fresh-10/)).toContain('fresh-10');
  });

  it('has no network: a connect to a port the host listens on fails', async () => {
    let connections = 0;
    const listener = net.createServer((s) => { connections++; s.destroy(); });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    const port = (listener.address() as AddressInfo).port;
    try {
      const c = await connect('alice', 'main');
      const out = await c.run(`(exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null && echo NET-OPEN || echo NET-CLOSED; ls /sys/class/net 2>/dev/null | tr '\\n' ' '; echo`, /NET-(OPEN|CLOSED)/);
      expect(out).toContain('NET-CLOSED');
      expect(connections).toBe(0);
    } finally {
      listener.close();
    }
  });

  it('cannot read another workspace, host secrets or the repo data', async () => {
    const c = await connect('alice', 'main');
    const targets = [ws('bob'), path.join(ws('bob'), 'bob-secret.txt'), '/root', '/etc/shadow', path.join(REPO_DIR, 'data'), '/opt/lab/data', '/opt/lab/.env', tmp, '/home'];
    const cmd = targets.map((t) => `{ ls ${t} >/dev/null 2>&1 || cat ${t} >/dev/null 2>&1; } && echo "OPEN:${t}" || echo "SHUT:${t}"`).join('; ');
    const out = await c.run(`${cmd}; echo DO""NE`, /DONE/);
    for (const t of targets) expect(out, t).toContain(`SHUT:${t}`);
    expect(out).not.toContain('bob only');
  });

  it('writes outside /workspace fail, inside succeed', async () => {
    const c = await connect('alice', 'main');
    const targets = ['/x', '/usr/x', '/etc/x', '/opt/lab/lib/x', '/bin/x', '/run/x'];
    const cmd = targets.map((t) => `(echo data > ${t}) 2>/dev/null && echo "WROTE:${t}" || echo "DENIED:${t}"`).join('; ');
    const out = await c.run(`${cmd}; echo ok > /workspace/written.txt && echo INSIDE""-OK`, /INSIDE-OK/);
    for (const t of targets) expect(out, t).toContain(`DENIED:${t}`);
    expect(fs.readFileSync(path.join(ws('alice'), 'written.txt'), 'utf8')).toBe('ok\n');
  });

  it('contains a fork bomb within the pids limit and the server stays responsive', async () => {
    const c = await connect('carol', 'bomb');
    const session = manager.get('carol', 'bomb')!;
    c.send('bomb() { bomb | bomb & }; bomb\r');
    let worstLagMs = 0;
    let maxProcs = 0;
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 50));
      worstLagMs = Math.max(worstLagMs, Date.now() - t0 - 50);
      maxProcs = Math.max(maxProcs, session.shell.processes().length);
    }
    expect(maxProcs).toBeGreaterThan(10); // the bomb really ran
    expect(maxProcs).toBeLessThanOrEqual(64);
    expect(worstLagMs).toBeLessThan(1000);
    const res = await fetch(`${base.replace('ws:', 'http:')}/`);
    expect(await res.text()).toBe('ok');
    await manager.kill('carol', 'bomb');
    expect(session.shell.processes()).toEqual([]);
  }, 20_000);

  it('contains a memory hog: the hog is OOM-killed, the shell survives', async () => {
    const c = await connect('carol', 'bomb');
    const out = await c.run('head -c 400m /dev/zero | tail >/dev/null; echo "hog-exit=$?"', /hog-exit=\d+/, 15_000);
    expect(out).toMatch(/hog-exit=(137|1)/);
    expect(await c.run('echo alive-$((1+1))', /alive-2/)).toContain('alive-2');
    await manager.kill('carol', 'bomb');
  }, 20_000);

  it('bounds buffered bytes under a 50 MB flood with acks, and pauses a client that never acks', async () => {
    const c = await connect('bob', 'flood', { keepText: false });
    const session = manager.get('bob', 'flood')!;
    // the server-side screen parses ~5-7 MB/s when idle; a busy machine (CI, other suites) can be 4x slower
    await c.run('yes | head -c 50000000; echo FLOOD""-DONE', /FLOOD-DONE/, 120_000);
    expect(c.bytes).toBeGreaterThan(50_000_000);
    expect(session.peakBufferedBytes).toBeLessThan(1024 * 1024);
    await c.close();

    const lazy = await connect('bob', 'flood', { autoAck: false, keepText: false });
    const before = lazy.bytes;
    lazy.send('yes\r');
    await new Promise((r) => setTimeout(r, 1500));
    const afterPause = lazy.bytes;
    await new Promise((r) => setTimeout(r, 500));
    expect(session.isPaused()).toBe(true);
    expect(lazy.bytes).toBe(afterPause); // nothing more while paused
    expect(afterPause - before).toBeLessThan(512 * 1024);
    await manager.kill('bob', 'flood');
  }, 150_000);

  it('enforces the workspace disk limit: one big file (RLIMIT_FSIZE) and many small ones (watchdog)', async () => {
    const c = await connect('carol', 'disk');
    const big = await c.run('head -c 20m /dev/zero > big.bin; echo "big-exit=$?"; rm -f big.bin', /big-exit=\d+/);
    expect(big).not.toContain('big-exit=0');
    const many = await c.run('for i in $(seq 1 40); do head -c 1m /dev/urandom > f$i.bin; sleep 0.2; done; echo LOOP""-END', /disk limit|LOOP-END/, 20_000);
    expect(many).toContain('over its 8 MiB disk limit');
    const left = fs.readdirSync(ws('carol')).filter((f) => f.endsWith('.bin')).length;
    expect(left).toBeLessThan(40);
    expect(await c.run('rm -f *.bin; echo still-$((2+3))', /still-5/)).toContain('still-5');
    await manager.kill('carol', 'disk');
  }, 30_000);

  it('detach + reattach restores the screen and keeps the same shell', async () => {
    const first = await connect('alice', 'keep');
    const out1 = await first.run('export MARK=kept-$((6*7)); echo "pid=$$ $MARK"', /pid=\d+ kept-42/);
    const pid = /pid=(\d+)/.exec(out1)![1];
    await first.close();
    const second = await connect('alice', 'keep');
    expect(second.hello?.pid).toBe(first.hello?.pid);
    expect(second.hello?.screen).toContain(`pid=${pid} kept-42`);
    const out2 = await second.run('echo "again=$$ $MARK"', /again=\d+ kept/);
    expect(out2).toContain(`again=${pid} kept-42`);
  });

  it("never attaches another user's shell; refuses unauthenticated requests", async () => {
    const alices = manager.get('alice', 'keep')!;
    const bob = await connect('bob', 'keep'); // same session id, bob's own key: his own shell
    expect(bob.hello?.pid).not.toBe(alices.shell.pid);
    expect(bob.hello?.screen).not.toContain('kept-42');
    const out = await bob.run('echo "mark=[$MARK]"; ls /workspace; echo E""ND', /END/);
    expect(out).toContain('mark=[]');
    expect(out).toContain('bob-secret.txt');
    expect(manager.get('alice', 'keep')!.clients.size).toBe(1);
    await expect(TestTerminalClient.connect(`${base}/terminal?session=keep`, {})).rejects.toThrow('HTTP 401');
  });

  it('sweeps cgroups left by a dead server, not those of a live one', async () => {
    const dead = new ShellCgroup('t999999999-deadbeef');
    dead.create({ memoryBytes: 64 << 20, pids: 8, cpus: 1, diskBytes: 0, fileSizeBytes: 1 << 20, tmpBytes: 1 << 20 });
    const live = manager.create('alice', 'sweep', { workspaceDir: ws('alice') });
    for (let i = 0; i < 100 && live.shell.processes().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await sweepShellCgroups()).toBeGreaterThanOrEqual(1);
    for (const d of dead.dirs) expect(fs.existsSync(d)).toBe(false);
    expect(live.shell.processes().length).toBeGreaterThan(0);
    await manager.kill('alice', 'sweep');
  });

  it('idle timeout ends the shell and keeps the workspace', async () => {
    const idle = new SessionManager({ idleMs: 1500 });
    try {
      const s = idle.create('alice', 'idle', { workspaceDir: ws('alice') });
      s.input('echo idle > /workspace/idle.txt\r');
      const exit = await s.shell.exited;
      expect(exit.reason).toBe('idle');
      expect(s.shell.processes()).toEqual([]);
      expect(fs.readFileSync(path.join(ws('alice'), 'idle.txt'), 'utf8')).toBe('idle\n');
      expect(fs.existsSync(path.join(ws('alice'), 'app.py'))).toBe(true);
      await new Promise((r) => setImmediate(r));
      expect(idle.list()).toEqual([]); // ended sessions leave the manager
    } finally {
      await idle.closeAll();
    }
  });
});
