// Hostile RUN commands against real runc: network, mount, host files, fork bomb, memory hog,
// disk filler, endless output, sleep forever. Each must fail clearly and leave nothing behind.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../errors.ts';
import { cgroupMode } from './cgroup-stats.ts';
import { mountOverlay, overlayUnavailableReason, runcUnavailableReason } from './testing/busybox-rootfs.ts';
import { createHarness, runCollect, type Harness } from './testing/harness.ts';

const skip = runcUnavailableReason();
if (skip) console.warn(`[executor] skipping sandbox tests: ${skip}`);

describe.skipIf(!!skip)('sandbox: isolation', () => {
  let h: Harness;
  beforeAll(() => {
    h = createHarness('iso');
  });
  afterEach(() => h.assertClean());
  afterAll(() => h?.dispose());

  it('has no network: only lo, and a host port on 127.0.0.1 is unreachable', async () => {
    let accepted = 0;
    const server = net.createServer((s) => {
      accepted++;
      s.end('hi\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await runCollect(h, {
        args: ['/bin/sh', '-c', `ip -o link | cut -d: -f2; if nc -w 2 127.0.0.1 ${port} </dev/null; then echo CONNECTED; else echo REFUSED; fi`],
      });
      expect(r.error).toBeUndefined();
      expect(r.stdout.map((l) => l.trim())).toEqual(['lo', 'REFUSED']);
      expect(accepted).toBe(0);
    } finally {
      server.close();
    }
  });

  it('cannot mount, unshare or change the hostname (seccomp + no CAP_SYS_ADMIN)', async () => {
    const r = await runCollect(h, {
      args: ['/bin/sh', '-c', [
        'mkdir -p /tmp/m',
        'mount -t tmpfs tmpfs /tmp/m && echo MOUNTED',
        'unshare -m true && echo UNSHARED',
        // a user namespace needs no capability: only seccomp stops this one
        'unshare -U -r true && echo USERNS',
        'hostname evil && echo RENAMED',
        'echo done',
      ].join('; ')],
    });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toEqual(['done']);
    expect(r.stderr.join('\n')).toMatch(/Operation not permitted|Permission denied/);
  });

  it('cannot read host files: absolute paths and symlinks resolve inside the rootfs', async () => {
    const token = crypto.randomBytes(16).toString('hex');
    const hostFile = path.join(h.base, 'host-secret.txt');
    fs.writeFileSync(hostFile, token);
    fs.symlinkSync(hostFile, path.join(h.rootfs, 'tmp', 'link-out'));
    try {
      const r = await runCollect(h, {
        args: ['/bin/sh', '-c', `cat ${hostFile}; cat /tmp/link-out; cat /proc/1/root${hostFile}; head -c 64 /proc/kcore | wc -c; ls /sys/firmware | wc -l; echo end`],
      });
      expect(r.error).toBeUndefined();
      const all = [...r.stdout, ...r.stderr].join('\n');
      expect(all).not.toContain(token);
      expect(r.stdout).toEqual(['0', '0', 'end']);
    } finally {
      fs.rmSync(path.join(h.rootfs, 'tmp', 'link-out'));
    }
  });

  it('drops capabilities for a non-root user and sets no-new-privileges', async () => {
    const r = await runCollect(h, { args: ['/bin/sh', '-c', 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status'], user: 'app' });
    expect(r.stdout).toContain('CapEff:\t0000000000000000');
    expect(r.stdout).toContain('NoNewPrivs:\t1');
    expect(r.stdout).toContain('Seccomp:\t2');
  });
});

describe.skipIf(!!skip)('sandbox: limits', () => {
  let h: Harness;
  beforeAll(() => {
    h = createHarness('lim');
  });
  afterEach(() => h.assertClean());
  afterAll(() => h?.dispose());

  it('applies the cgroup limits runc was given (seen from inside the container)', async () => {
    const v1 = (await cgroupMode()) === 'v1';
    const files = v1 ? '/sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes' : '/sys/fs/cgroup/pids.max /sys/fs/cgroup/memory.max';
    const r = await runCollect(h, { args: ['/bin/sh', '-c', `cat ${files}`], limits: { pids: 99, memoryBytes: 48 * 1024 * 1024 } });
    expect(r.stdout).toEqual(['99', String(48 * 1024 * 1024)]);
  });

  it('contains a fork bomb with the pids limit: RESOURCE_LIMIT, well before the timeout', async () => {
    const t0 = Date.now();
    const r = await runCollect(h, { args: ['/bin/sh', '-c', 'bomb() { bomb | bomb & }; bomb; wait; sleep 100'], limits: { pids: 40, timeoutMs: 25_000 } });
    expect(r.error?.code).toBe(ErrorCodes.RESOURCE_LIMIT);
    expect(r.error?.reason).toBe('pids');
    expect(r.error?.message).toMatch(/limit of 40 processes/);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('OOM-kills a memory hog: RESOURCE_LIMIT memory', async () => {
    const r = await runCollect(h, { args: ['/bin/sh', '-c', 'x=0123456789abcdef; while true; do x=$x$x; done'], limits: { memoryBytes: 32 * 1024 * 1024 } });
    expect(r.error?.code).toBe(ErrorCodes.RESOURCE_LIMIT);
    expect(r.error?.reason).toBe('memory');
    expect(r.error?.message).toMatch(/32 MiB memory limit/);
  });

  it('caps endless output: stops streaming past the cap and kills the step', async () => {
    let bytes = 0;
    const t0 = Date.now();
    let err: unknown;
    try {
      await h.executor.run({ rootfs: h.rootfs, args: ['yes', 'spam'], limits: { outputBytes: 64 * 1024 }, onStdout: (l) => (bytes += l.length + 1) });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: ErrorCodes.RESOURCE_LIMIT, reason: 'output' });
    expect(bytes).toBeLessThanOrEqual(64 * 1024 + 1); // +1: the cut last line is counted with a newline
    expect(bytes).toBeGreaterThan(60 * 1024);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('times out `sleep 1d`: RUN_TIMEOUT and the container is gone', async () => {
    const t0 = Date.now();
    const r = await runCollect(h, { args: ['sleep', '1d'], limits: { timeoutMs: 1500 } });
    expect(r.error?.code).toBe(ErrorCodes.RUN_TIMEOUT);
    expect(r.error?.message).toMatch(/1\.5s time limit/);
    expect(Date.now() - t0).toBeLessThan(8000);
  });

  it('stops a single huge file at the file-size limit (RLIMIT_FSIZE)', async () => {
    const r = await runCollect(h, { args: ['/bin/sh', '-c', 'dd if=/dev/zero of=/tmp/big bs=1M count=50'], limits: { fileSizeBytes: 4 * 1024 * 1024 } });
    expect(r.error?.code).toBe(ErrorCodes.RESOURCE_LIMIT);
    expect(r.error?.reason).toBe('file-size');
    expect(fs.statSync(path.join(h.rootfs, 'tmp', 'big')).size).toBeLessThanOrEqual(4 * 1024 * 1024);
    fs.rmSync(path.join(h.rootfs, 'tmp', 'big'));
  });
});

const skipOverlay = skip ?? overlayUnavailableReason();
describe.skipIf(!!skipOverlay)('sandbox: disk filler on an overlay snapshot', () => {
  let h: Harness;
  beforeAll(() => {
    h = createHarness('disk');
  });
  afterEach(() => h.assertClean());
  afterAll(() => h?.dispose());

  it('kills a step that keeps writing past the disk limit of its upperdir', async () => {
    const ov = mountOverlay(h.rootfs, path.join(h.base, 'ovl'));
    try {
      const r = await runCollect(h, {
        rootfs: ov.merged,
        writableDir: ov.upper,
        args: ['/bin/sh', '-c', 'i=0; while true; do dd if=/dev/zero of=/fill$i bs=1M count=2 2>/dev/null; i=$((i+1)); sleep 0.05; done'],
        limits: { diskBytes: 16 * 1024 * 1024, timeoutMs: 25_000 },
      });
      expect(r.error?.code).toBe(ErrorCodes.RESOURCE_LIMIT);
      expect(r.error?.reason).toBe('disk');
      expect(r.error?.message).toMatch(/16 MiB disk limit/);
    } finally {
      ov.unmount();
    }
  });
});
