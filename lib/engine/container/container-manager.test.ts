// Real containers: runc on an OverlayFS mount over the busybox image in a temp LAB_ROOT.
// (The tty path is tested through the CLI with node-pty in lib/cli/commands/run.test.ts: the
// engine may not import node-pty.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ContainerManager } from './container-manager.ts';
import { cgroupPathFor } from './container-bundle.ts';
import { cgroupMode, readLimits } from '../executor/cgroup-stats.ts';
import type { CreateContainerOptions } from './container.ts';
import { containersUnavailableReason, createContainerEnv, type ContainerEnv } from './testing/container-env.ts';
import { listContainers, mountsBelow } from '../executor/testing/busybox-rootfs.ts';

const reason = containersUnavailableReason();
if (reason) console.warn(`container tests skipped: ${reason}`);

async function runIt(m: ContainerManager, opts: Omit<CreateContainerOptions, 'image'> & { image?: string; input?: string }) {
  const rec = await m.create({ image: 'busybox', ...opts });
  let stdout = '';
  let stderr = '';
  const stdin = opts.input !== undefined ? new PassThrough() : undefined;
  await m.attach(rec.id, { stdin, onOutput: (s, c) => {
    if (s === 'stdout') stdout += c;
    else stderr += c;
  } });
  const waited = m.wait(rec.id);
  await m.start(rec.id);
  stdin?.end(opts.input);
  const { exitCode } = await waited;
  return { id: rec.id, name: rec.name, exitCode, stdout, stderr };
}

describe.skipIf(!!reason)('containers (runc + OverlayFS)', () => {
  let env: ContainerEnv;
  beforeAll(async () => {
    env = await createContainerEnv('mgr');
  });
  afterAll(async () => {
    await env?.dispose();
  });

  it('--rm: prints the output, keeps the exit code, leaves no container, dir or mount', async () => {
    const r = await runIt(env.manager, { cmd: ['sh', '-c', 'echo hi; echo oops >&2; exit 3'], autoRemove: true });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'hi\n', stderr: 'oops\n' });
    expect(await env.manager.list({ all: true })).toEqual([]);
    expect(fs.existsSync(path.join(env.engine.containersDir, r.id))).toBe(false);
    env.assertClean();
  });

  it('keeps an exited container: ps -a lists it, diff shows A/C/D, rm removes it and its upper dir', async () => {
    const r = await runIt(env.manager, { cmd: ['sh', '-c', 'echo x > /f && rm /bin/ls && echo more >> /etc/passwd'] });
    expect(r.exitCode).toBe(0);
    const all = await env.manager.list({ all: true });
    expect(all.map((c) => [c.id, c.status, c.exitCode])).toEqual([[r.id, 'exited', 0]]);
    expect(await env.manager.list()).toEqual([]); // ps without -a: running ones only
    const changes = await env.manager.changes(r.name);
    expect(changes).toEqual(expect.arrayContaining([
      { path: '/f', kind: 'A' }, { path: '/bin/ls', kind: 'D' }, { path: '/etc/passwd', kind: 'C' }, { path: '/etc', kind: 'C' },
    ]));
    // runc's mount stubs (/proc, /dev, /etc/hosts ...) are not the container's changes
    expect(changes.map((c) => c.path)).not.toContain('/proc');
    expect(changes.map((c) => c.path)).not.toContain('/etc/hosts');
    const upper = path.join(env.engine.containersDir, r.id, 'upper');
    expect(fs.readFileSync(path.join(upper, 'f'), 'utf8')).toBe('x\n');
    env.assertClean(); // exited: unmounted, but the upper dir stays
    await env.manager.remove(r.id.slice(0, 8));
    expect(fs.existsSync(path.join(env.engine.containersDir, r.id))).toBe(false);
    await expect(env.manager.inspect(r.id)).rejects.toThrow(/no such container/);
  });

  it('start again: the next run sees the kept upper dir; wait(nextExit) waits for it', async () => {
    const r = await runIt(env.manager, { cmd: ['sh', '-c', 'echo run >> /runs; wc -l < /runs'] });
    expect(r.stdout.trim()).toBe('1');
    let out = '';
    await env.manager.attach(r.id, { onOutput: (_s, c) => {
      out += c;
    } });
    expect(await env.manager.wait(r.id)).toEqual({ exitCode: 0 }); // the finished run
    const next = env.manager.wait(r.id, { nextExit: true });
    await env.manager.start(r.name);
    expect(await next).toEqual({ exitCode: 0 });
    expect(out.trim()).toBe('2');
    expect(await env.manager.changes(r.id)).toContainEqual({ path: '/runs', kind: 'A' });
    await env.manager.remove(r.id);
    env.assertClean();
  });

  it('a congested reader pauses the output (bounded memory), then everything arrives', async () => {
    const total = 20_000_000;
    const rec = await env.manager.create({ image: 'busybox', cmd: ['head', '-c', String(total), '/dev/zero'], autoRemove: true });
    let received = 0;
    let congested = true;
    const drains: (() => void)[] = [];
    await env.manager.attach(rec.id, {
      onOutput: (_s, c) => {
        received += c.length;
        return !congested;
      },
      drain: (cb) => drains.push(cb),
    });
    const waited = env.manager.wait(rec.id);
    await env.manager.start(rec.id);
    await new Promise((r) => setTimeout(r, 1500));
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(2_000_000); // the process waits on its full pipe
    congested = false;
    drains.splice(0).forEach((cb) => cb());
    expect(await waited).toEqual({ exitCode: 0 });
    expect(received).toBe(total);
  });

  it('copy-on-write: a changed image file is copied up, the image layer stays as it was', async () => {
    const image = await env.engine.images.get('busybox');
    const layerDir = path.join(env.engine.snapshotter!.root, 'layers', image.config.rootfs.diff_ids[0].replace('sha256:', ''));
    const before = fs.readFileSync(path.join(layerDir, 'etc/passwd'), 'utf8');
    const r = await runIt(env.manager, { cmd: ['sh', '-c', 'echo intruder:x:7:7::/:/bin/sh >> /etc/passwd; grep -c intruder /etc/passwd'], autoRemove: false });
    expect(r.stdout).toBe('1\n');
    expect(await env.manager.changes(r.id)).toContainEqual({ path: '/etc/passwd', kind: 'C' });
    expect(fs.readFileSync(path.join(layerDir, 'etc/passwd'), 'utf8')).toBe(before);
    expect(fs.readFileSync(path.join(env.engine.containersDir, r.id, 'upper/etc/passwd'), 'utf8')).toContain('intruder');
    // a second container of the same image does not see the first one's write
    const again = await runIt(env.manager, { cmd: ['grep', '-c', 'intruder', '/etc/passwd'], autoRemove: true });
    expect(again).toMatchObject({ exitCode: 1, stdout: '0\n' });
    await env.manager.remove(r.id);
  });

  it('--entrypoint replaces the entrypoint and drops the image Cmd; -e and -w apply; hostname is the short id', async () => {
    const r = await runIt(env.manager, { entrypoint: ['sh'], cmd: ['-c', 'echo $GREETING; pwd; hostname'], env: ['GREETING=hello'], workingDir: '/work', autoRemove: true });
    const [greeting, cwd, host] = r.stdout.trim().split('\n');
    expect([greeting, cwd]).toEqual(['hello', '/work']);
    expect(r.id.startsWith(host)).toBe(true);
    expect(host).toHaveLength(12);
    await expect(env.manager.create({ image: 'busybox', entrypoint: [] })).rejects.toThrow(/no command specified/);
  });

  // Docker's overlay2 mounts with short relative names (l/…), so `mount` in a container shows
  // no host directory; ours shows L/l/… and upper/work. (/proc/self/mountinfo still names the
  // source of the /etc/hosts bind mounts, as it does under Docker.)
  it('mount inside the container shows the overlay without host paths', async () => {
    const r = await runIt(env.manager, { cmd: ['mount'], autoRemove: true });
    expect(r.exitCode).toBe(0);
    const root = r.stdout.split('\n').find((l) => / on \/ type overlay /.test(l));
    expect(root).toMatch(/lowerdir=L\/l\/[^,]+,upperdir=upper,workdir=work/);
    for (const hostPath of [env.engine.root, path.dirname(env.engine.root), env.engine.containersDir]) expect(r.stdout).not.toContain(hostPath);
  });

  it('has no network: only lo, and the host on 127.0.0.1 is out of reach', async () => {
    const server = http.createServer((_q, s) => s.end('reachable'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await runIt(env.manager, { cmd: ['sh', '-c', `ls /sys/class/net; wget -q -T 2 -O- http://127.0.0.1:${port}/ || echo unreachable`], autoRemove: true });
      expect(r.stdout).toBe('lo\nunreachable\n');
    } finally {
      server.close();
    }
  });

  it('-i: stdin from a pipe reaches the process; without -i it reads nothing', async () => {
    const r = await runIt(env.manager, { cmd: ['sh', '-c', 'cat | tr a-z A-Z'], openStdin: true, input: 'piped in\n', autoRemove: true });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'PIPED IN\n' });
    const n = await runIt(env.manager, { cmd: ['cat'], autoRemove: true });
    expect(n).toMatchObject({ exitCode: 0, stdout: '' });
  });

  it('a client that goes away while sending stdin: the process gets EOF (StdinOnce)', async () => {
    const rec = await env.manager.create({ image: 'busybox', cmd: ['sh', '-c', 'cat; echo eof-seen'], openStdin: true, autoRemove: true });
    let out = '';
    const stdin = new PassThrough(); // never ended by the client
    const detach = await env.manager.attach(rec.id, { stdin, onOutput: () => undefined });
    await env.manager.attach(rec.id, { onOutput: (_s, c) => {
      out += c;
    } });
    const waited = env.manager.wait(rec.id);
    await env.manager.start(rec.id);
    stdin.write('typed\n');
    await new Promise((r) => setTimeout(r, 300));
    detach({ lost: true });
    expect(await waited).toEqual({ exitCode: 0 });
    expect(out).toBe('typed\neof-seen\n');
  });

  it('two starts at once: one runs, the other is refused', async () => {
    const rec = await env.manager.create({ image: 'busybox', cmd: ['true'], autoRemove: true });
    const waited = env.manager.wait(rec.id);
    const results = await Promise.allSettled([env.manager.start(rec.id), env.manager.start(rec.id)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await waited).toEqual({ exitCode: 0 });
    env.assertClean();
  });

  it('rm refuses a running container; rm -f kills it and cleans up', async () => {
    const rec = await env.manager.create({ image: 'busybox', cmd: ['sleep', '300'] });
    const waited = env.manager.wait(rec.id);
    await env.manager.start(rec.id);
    expect((await env.manager.list()).map((c) => c.id)).toEqual([rec.id]);
    expect(mountsBelow(env.base).length).toBe(1); // its overlay, while it runs
    let limits = await readLimits(cgroupPathFor(rec.id));
    for (let i = 0; i < 100 && limits.pids === undefined; i++) { // runc creates the cgroup a moment after start()
      await new Promise((r) => setTimeout(r, 50));
      limits = await readLimits(cgroupPathFor(rec.id));
    }
    expect(limits.pids).toBe(512);
    const cpuQuota = (await cgroupMode()) === 'v1'
      ? fs.readFileSync(`/sys/fs/cgroup/cpu${cgroupPathFor(rec.id)}/cpu.cfs_quota_us`, 'utf8').trim()
      : fs.readFileSync(`/sys/fs/cgroup${cgroupPathFor(rec.id)}/cpu.max`, 'utf8').split(' ')[0];
    expect(cpuQuota).toBe('100000'); // one core
    const busybox = (await env.engine.images.get('busybox')).config.rootfs.diff_ids[0];
    expect(await env.engine.snapshotter!.prune([])).not.toContain(busybox); // its layers are pinned
    await expect(env.manager.remove(rec.id)).rejects.toThrow(/is running/);
    await env.manager.remove(rec.id, { force: true });
    expect((await waited).exitCode).toBe(137);
    expect(await env.manager.list({ all: true })).toEqual([]);
    env.assertClean();
  });
});

describe.skipIf(!!reason)('container limits', () => {
  let env: ContainerEnv;
  beforeAll(async () => {
    env = await createContainerEnv('limits');
  });
  afterAll(async () => {
    await env?.dispose();
  });

  it('writing past the disk budget kills the container; more running containers than allowed are refused', async () => {
    const small = new ContainerManager({ dir: path.join(env.base, 'small'), images: env.engine.images, snapshotter: env.engine.snapshotter, limits: { diskBytes: 4 << 20 }, maxRunning: 1 });
    await small.init();
    const hog = await small.create({ image: 'busybox', cmd: ['sh', '-c', 'dd if=/dev/zero of=/big bs=1M count=16 2>/dev/null; sleep 60'] });
    const waited = small.wait(hog.id);
    await small.start(hog.id);
    const second = await small.create({ image: 'busybox', cmd: ['true'] });
    await expect(small.start(second.id)).rejects.toThrow(/1 containers are running already \(the limit is 1\)/);
    expect((await waited).exitCode).toBe(137);
    expect((await small.inspect(hog.id)).error).toMatch(/more than the 4 MiB a container may write/);
    await small.remove(hog.id);
    await small.remove(second.id);
    expect(listContainers(small.runcRoot)).toEqual([]);
    expect(mountsBelow(env.base)).toEqual([]);
  });

  it('kill sends a signal: TERM stops a shell that traps it, KILL anything', async () => {
    const rec = await env.manager.create({ image: 'busybox', cmd: ['sh', '-c', 'trap "echo got-term; exit 9" TERM; echo ready; while true; do sleep 0.1; done'], autoRemove: true });
    let out = '';
    await env.manager.attach(rec.id, { onOutput: (_s, c) => {
      out += c;
    } });
    const waited = env.manager.wait(rec.id);
    await env.manager.start(rec.id);
    // the trap is set once "ready" is out (a fixed 300 ms sleep can lose that race on a loaded
    // machine: TERM then reaches a process 1 without a handler, which ignores it, and it hangs)
    for (let i = 0; i < 200 && !out.includes('ready'); i++) await new Promise((r) => setTimeout(r, 50));
    // while it runs: after the exit, --rm has removed it and any kill fails with "no such container"
    await expect(env.manager.kill(rec.id, 'BOGUS')).rejects.toThrow(/unknown signal "BOGUS"/);
    await env.manager.kill(rec.id, 'TERM');
    expect((await waited).exitCode).toBe(9);
    expect(out).toBe('ready\ngot-term\n');
    env.assertClean();
  });
});

describe.skipIf(!!reason)('daemon restart', () => {
  let env: ContainerEnv;
  beforeAll(async () => {
    env = await createContainerEnv('restart');
  });
  afterAll(async () => {
    await env?.dispose();
  });

  it('a crashed daemon leaves a running container; the next one kills it, unmounts, and marks it exited', async () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    // a separate "daemon" process that starts a long container and is then SIGKILLed
    const script = `
      import { openEngine } from ${JSON.stringify(path.join(here, '../daemon/engine.ts'))};
      import { ContainerManager } from ${JSON.stringify(path.join(here, 'container-manager.ts'))};
      const engine = await openEngine({ root: ${JSON.stringify(env.base)}, snapshotter: 'overlay' });
      const m = new ContainerManager({ dir: engine.containersDir, images: engine.images, snapshotter: engine.snapshotter });
      await m.init();
      const c = await m.create({ image: 'busybox', cmd: ['sleep', '300'], name: 'orphan' });
      await m.start(c.id);
      const { execFileSync } = await import('node:child_process');
      while (!execFileSync('runc', ['--root', m.runcRoot, 'list', '-q'], { encoding: 'utf8' }).includes(c.id)) await new Promise((r) => setTimeout(r, 50));
      console.log('started');
    `;
    const file = path.join(env.base, 'crash.mts');
    fs.writeFileSync(file, script);
    const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'inherit'], cwd: path.resolve(here, '../../..') });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('started') && resolve());
      child.on('exit', (code) => reject(new Error(`crash script exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(mountsBelow(env.base).length).toBe(1); // the orphan's overlay is still mounted
    expect(listContainers(env.manager.runcRoot)).toHaveLength(1);

    await env.manager.init(); // what the next daemon does at start-up
    const [rec] = await env.manager.list({ all: true });
    expect(rec).toMatchObject({ name: 'orphan', status: 'exited', exitCode: 137 });
    expect(rec.error).toMatch(/daemon stopped/);
    env.assertClean();
    await env.manager.remove('orphan');
  });
});
