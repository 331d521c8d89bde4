// `lab run/ps/diff/rm/start` end to end: the real CLI (bin/lab.mjs) against the daemon (image
// routes + container routes) on a Unix socket, real runc and OverlayFS; `run -it` inside a
// pseudo-terminal from node-pty; a missing image pulled from a registry on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEngine, type Engine } from '../../engine/daemon/engine.ts';
import { containerRoutes, type RouteHandler } from '../../engine/daemon/container-routes.ts';
import { startDaemon, type DaemonHandle } from '../../engine/daemon/http-server.ts';
import { LocalEngineApi } from '../../engine/daemon/local-api.ts';
import { startOurs } from '../../engine/registry/testing.ts';
import { containersUnavailableReason } from '../../engine/container/testing/container-env.ts';
import { listContainers, mountsBelow } from '../../engine/executor/testing/busybox-rootfs.ts';
import { spawnPty } from '../pty-spawner.ts';
import { parseRunArgs } from './run.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const reason = containersUnavailableReason();
if (reason) console.warn(`lab run tests skipped: ${reason}`);

describe('run flags', () => {
  it('stop at the image: the rest is the command', () => {
    expect(parseRunArgs(['--rm', '-it', '--entrypoint', 'sh', '-e', 'A=1', '--name=web', 'busybox', '-c', 'ls -l'])).toMatchObject({
      rm: true, interactive: true, tty: true, entrypoint: 'sh', env: ['A=1'], name: 'web', image: 'busybox', cmd: ['-c', 'ls -l'],
    });
    expect(parseRunArgs(['-w', '/tmp', 'img'])).toMatchObject({ workdir: '/tmp', image: 'img', cmd: [] });
    expect(() => parseRunArgs(['--rm'])).toThrow(/requires at least 1 argument/);
    expect(() => parseRunArgs(['--bogus', 'img'])).toThrow(/unknown flag/);
    expect(() => parseRunArgs(['-iz', 'img'])).toThrow(/unknown shorthand/);
  });
});

describe.skipIf(!!reason)('lab run / ps / diff / rm through the daemon socket', () => {
  let base: string;
  let engine: Engine;
  let routes: RouteHandler;
  let daemon: DaemonHandle;
  let sock: string;

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-run-'));
    engine = await openEngine({ root: base, snapshotter: 'overlay' });
    routes = containerRoutes(engine, { spawnTerminal: spawnPty });
    sock = path.join(base, 'lab.sock');
    daemon = await startDaemon(new LocalEngineApi(engine), sock, { handleContainerRoute: routes });
  });
  afterAll(async () => {
    await routes?.close();
    await daemon?.close();
    if (base) {
      expect(listContainers(path.join(engine.containersDir, '.runc'))).toEqual([]);
      expect(mountsBelow(base)).toEqual([]);
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  function lab(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(repo, 'bin/lab.mjs'), ...args], {
        env: { ...process.env, LAB_HOST: `unix://${sock}` }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d) => (stdout += d));
      child.stderr!.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin?.end(input);
    });
  }

  it('run --rm busybox echo hi prints hi and leaves no container or mount', async () => {
    const r = await lab(['run', '--rm', 'busybox', 'echo', 'hi']);
    expect(r).toMatchObject({ code: 0, stdout: 'hi\n' });
    expect((await lab(['ps', '-a', '-q'])).stdout).toBe('');
    expect(mountsBelow(base)).toEqual([]);
  });

  it('run keeps the container: diff shows A /f, ps -a lists it exited, rm removes it and its upper dir', async () => {
    const r = await lab(['run', '--name', 'keeper', 'busybox', 'sh', '-c', 'echo x > /f; echo to-stderr >&2; exit 4']);
    expect(r).toMatchObject({ code: 4, stdout: '', stderr: 'to-stderr\n' });
    expect((await lab(['diff', 'keeper'])).stdout).toBe('A /f\n');
    expect(await lab(['start', '-a', 'keeper'])).toMatchObject({ code: 4, stderr: 'to-stderr\n' }); // runs again on the kept upper dir
    const ps = await lab(['ps', '-a']);
    expect(ps.stdout).toMatch(/^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES\n/);
    expect(ps.stdout).toMatch(/busybox\s+"sh -c 'echo x > \/f;…"\s+.+ ago\s+Exited \(4\) .+ ago\s+keeper\n/);
    expect((await lab(['ps'])).stdout.split('\n').filter(Boolean)).toHaveLength(1); // header only: not running
    const [rec] = fs.readdirSync(engine.containersDir).filter((n) => /^[0-9a-f]{64}$/.test(n));
    expect(fs.existsSync(path.join(engine.containersDir, rec, 'upper', 'f'))).toBe(true);
    expect(await lab(['rm', 'keeper'])).toMatchObject({ code: 0, stdout: 'keeper\n' });
    expect(fs.existsSync(path.join(engine.containersDir, rec))).toBe(false);
    expect(await lab(['rm', 'keeper'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no such container: keeper/) });
  });

  it('--entrypoint overrides; a pipe feeds -i; the exit code comes back', async () => {
    expect(await lab(['run', '--rm', '--entrypoint', 'echo', 'busybox', 'from', 'entrypoint'])).toMatchObject({ code: 0, stdout: 'from entrypoint\n' });
    expect(await lab(['run', '--rm', '-i', 'busybox', 'cat'], 'hi\n')).toMatchObject({ code: 0, stdout: 'hi\n' });
  });

  it('Ctrl-C reaches the container; a second one kills it (process 1 ignores SIGINT)', async () => {
    const child = spawn(process.execPath, [path.join(repo, 'bin/lab.mjs'), 'run', '--rm', 'busybox', 'sleep', '300'], {
      env: { ...process.env, LAB_HOST: `unix://${sock}` }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const closed = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    for (let i = 0; i < 100 && !(await lab(['ps', '-q'])).stdout.trim(); i++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 500));
    expect((await lab(['ps', '-q'])).stdout.trim()).not.toBe(''); // sleep as pid 1 ignored it, as in docker
    child.kill('SIGINT');
    expect(await closed).toBe(137);
    expect(stderr).toContain('killing the container');
    expect((await lab(['ps', '-a', '-q'])).stdout).toBe('');
  });

  it('an image missing here but in a registry is pulled first, as docker run does', async () => {
    const registry = await startOurs();
    try {
      const ref = `${registry.host}/lab/bb:v1`;
      expect((await lab(['tag', 'busybox', ref])).code).toBe(0);
      expect((await lab(['push', ref])).code).toBe(0);
      expect((await lab(['rmi', ref])).code).toBe(0);
      const r = await lab(['run', '--rm', ref, 'echo', 'pulled']);
      expect(r).toMatchObject({ code: 0, stdout: 'pulled\n' });
      expect(r.stderr).toContain(`Unable to find image '${ref}' locally`);
      expect((await lab(['images'])).stdout).toContain(`${registry.host}/lab/bb`);
    } finally {
      await registry.close();
    }
  });

  it('an unknown image: Unable to find image, exit 125', async () => {
    const r = await lab(['run', '--rm', 'nosuchimage']);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain("Unable to find image 'nosuchimage:latest' locally");
  });

  it('run -it in a pty: a real tty, the overlay mount visible inside, window size followed, exit code', async () => {
    const pty = await import('node-pty');
    const p = pty.spawn(process.execPath, [path.join(repo, 'bin/lab.mjs'), 'run', '--rm', '-it', 'busybox', 'sh'], {
      cols: 90, rows: 20, cwd: repo, env: { ...process.env, LAB_HOST: `unix://${sock}` } as Record<string, string>,
    });
    let out = '';
    let sent = false;
    const exit = new Promise<number>((resolve) => p.onExit((e) => resolve(e.exitCode)));
    p.onData((d) => {
      out += d;
      if (!sent && out.includes('/ # ')) {
        sent = true;
        p.resize(123, 41); // SIGWINCH for the CLI, which tells the daemon
        setTimeout(() => p.write('tty; stty size; mount | grep overlay; exit 7\r'), 500);
      }
    });
    const timer = setTimeout(() => p.kill(), 30_000);
    const code = await exit;
    clearTimeout(timer);
    expect(code).toBe(7);
    expect(out).toMatch(/\/dev\/pts\/\d+/);
    expect(out).toContain('41 123');
    expect(out).toMatch(/overlay on \/ type overlay \(.*lowerdir=.*upperdir=.*workdir=/);
    expect((await lab(['ps', '-a', '-q'])).stdout).toBe('');
  });

  it('run -it whose client dies: the container is killed (a hang-up), not left running', async () => {
    const pty = await import('node-pty');
    const p = pty.spawn(process.execPath, [path.join(repo, 'bin/lab.mjs'), 'run', '-it', '--name', 'hangup', 'busybox', 'sh'], {
      cols: 80, rows: 24, cwd: repo, env: { ...process.env, LAB_HOST: `unix://${sock}` } as Record<string, string>,
    });
    let out = '';
    const exit = new Promise<void>((resolve) => p.onExit(() => resolve()));
    await new Promise<void>((resolve) => p.onData((d) => {
      out += d;
      if (out.includes('/ # ')) resolve();
    }));
    p.kill('SIGKILL');
    await exit;
    let status = '';
    for (let i = 0; i < 50 && !status.includes('Exited'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await lab(['ps', '-a'])).stdout;
    }
    expect(status).toMatch(/Exited \(137\).*hangup/);
    expect(await lab(['rm', 'hangup'])).toMatchObject({ code: 0 });
  });
});
