// Hostile-input suite, area "limits" (issue 10, "Shared and unmetered resources"): each attack
// runs against the real namespaced daemon (one socket per student, real runc + OverlayFS) and
// must be refused with a clear RESOURCE_LIMIT error, without leaking between students, without
// writing past the limit, and the daemon must keep answering afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { overlayUnavailableReason, mountsBelow } from '../lib/engine/executor/testing/busybox-rootfs.ts';
import type { BuildEvent } from '../lib/engine/progress/events.ts';

// small limits for the test; read by lib/engine/limits.ts when it first loads (dynamic imports below)
const LAYER_CAP = 64 * 1024 * 1024;
const CACHE_CAP = 32 * 1024 * 1024;
process.env.LAB_MAX_LAYER_BYTES = String(LAYER_CAP);
process.env.LAB_MAX_CACHE_MOUNT_BYTES = String(CACHE_CAP);
const CONTEXT_CAP = 8 * 1024 * 1024;
process.env.LAB_MAX_CONTEXT_BYTES = String(CONTEXT_CAP);
process.env.LAB_MAX_BUILDS_PER_USER = '2';
process.env.LAB_MAX_QUEUED_BUILDS_PER_USER = '0';

const cannotBuild = overlayUnavailableReason();
if (cannotBuild) console.warn(`security/limits tests skipped: ${cannotBuild}`);

type Outcome = { events: BuildEvent[]; done?: BuildEvent; error?: { code: string; message: string }; logs: string[] };

describe.skipIf(!!cannotBuild)('limits: shared and unmetered resources', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-sec-limits-'));
  let daemon: { socketFor(ns: string): Promise<string>; close(): Promise<void> };
  let openContext: typeof import('../lib/engine/build-context/index.ts').openContext;
  let n = 0;

  async function build(ns: string, dockerfile: string, files: Record<string, string | Buffer> = {}): Promise<Outcome> {
    const dir = path.join(tmp, `ctx-${++n}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
    for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), data);
    const body = (await openContext(dir)).tar();
    const socketPath = await daemon.socketFor(ns);
    const events = await new Promise<BuildEvent[]>((resolve, reject) => {
      const req = http.request({ socketPath, method: 'POST', path: `/build?t=t${n}&nocache=1` }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as BuildEvent)));
      });
      req.on('error', reject);
      body.pipe(req);
    });
    const last = events.at(-1) as { type: string; error?: { code: string; message: string }; code?: string; message?: string };
    const error = last.type === 'build.done' ? undefined : (last.error ?? { code: String(last.code), message: String(last.message) });
    const logs = events.flatMap((e) => ('line' in e && typeof (e as { line?: unknown }).line === 'string' ? [(e as { line: string }).line] : []));
    return { events, done: last.type === 'build.done' ? events.at(-1) : undefined, error, logs };
  }

  const stillAnswers = async (ns: string) => {
    const r = await build(ns, 'FROM busybox\nRUN echo alive\n');
    expect(r.error).toBeUndefined();
  };

  beforeAll(async () => {
    ({ openContext } = await import('../lib/engine/build-context/index.ts'));
    const { openEngine } = await import('../lib/engine/daemon/engine.ts');
    const { startNamespacedDaemon } = await import('../lib/engine/daemon/namespaced-daemon.ts');
    const engine = await openEngine({ root: path.join(tmp, 'root') });
    daemon = await startNamespacedDaemon({ engine, socketDir: path.join(tmp, 'sockets') });
  }, 120_000);

  afterAll(async () => {
    await daemon?.close();
    expect(mountsBelow(tmp)).toEqual([]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('cache mount poisoning: id=pip of student A is not the id=pip of student B', async () => {
    const a = await build('alice', 'FROM busybox\nRUN --mount=type=cache,id=pip,target=/root/.cache/pip echo POISON > /root/.cache/pip/evil\n');
    expect(a.error).toBeUndefined();
    const b = await build('bob', 'FROM busybox\nRUN --mount=type=cache,id=pip,target=/c cat /c/evil 2>/dev/null || echo CLEAN\n');
    expect(b.error).toBeUndefined();
    expect(JSON.stringify(b.events)).toContain('CLEAN');
    expect(JSON.stringify(b.events)).not.toContain('POISON');
  }, 120_000);

  it('unmetered cache mount: filling it past LAB_MAX_CACHE_MOUNT_BYTES fails the step, and the cache is emptied', async () => {
    const r = await build('carol', `FROM busybox\nRUN --mount=type=cache,id=big,target=/c dd if=/dev/zero of=/c/fill bs=1M count=${(CACHE_CAP >> 20) + 16}\n`);
    expect(r.error?.code).toBe('RESOURCE_LIMIT');
    expect(r.error?.message).toContain('LAB_MAX_CACHE_MOUNT_BYTES');
    const again = await build('carol', 'FROM busybox\nRUN --mount=type=cache,id=big,target=/c ls -A /c | grep -c fill || echo EMPTY\n');
    expect(again.error).toBeUndefined();
    expect(JSON.stringify(again.events)).toContain('EMPTY');
  }, 120_000);

  it('fast writer: RUN dd past LAB_MAX_LAYER_BYTES fails with the limit, and nothing over the cap lands on disk', async () => {
    const before = fs.statfsSync(tmp);
    let peak = 0;
    const watch = setInterval(() => {
      const st = fs.statfsSync(tmp);
      peak = Math.max(peak, (Number(before.bavail) - Number(st.bavail)) * Number(st.bsize));
    }, 50);
    const r = await build('dave', `FROM busybox\nRUN dd if=/dev/zero of=/big bs=1M count=${(LAYER_CAP >> 20) * 4}\n`).finally(() => clearInterval(watch));
    expect(r.error?.code).toBe('RESOURCE_LIMIT');
    expect(r.error?.message).toMatch(/RUN wrote more than 64 MiB.*LAB_MAX_LAYER_BYTES/);
    expect(peak).toBeLessThan(LAYER_CAP + 16 * 1024 * 1024); // the image file plus a little metadata
    await stillAnswers('dave');
  }, 120_000);

  it('a RUN under the layer cap still commits its layer (copied off the limited filesystem)', async () => {
    const r = await build('erin', 'FROM busybox\nRUN mkdir -p /d && dd if=/dev/zero of=/d/f bs=1M count=8 && rm -rf /tmp && mkdir /tmp\nRUN ls -l /d/f\n');
    expect(r.error).toBeUndefined();
    expect(JSON.stringify(r.events)).toContain('8388608');
  }, 120_000);

  it('ADD decompression bomb: a small gzip of zeros is stopped at LAB_MAX_ARCHIVE_RATIO while streaming, little lands on disk', async () => {
    const work = fs.mkdtempSync(path.join(tmp, 'bomb-'));
    execFileSync('sh', ['-c', 'head -c 512M /dev/zero > zeros && tar -cf - zeros | gzip -1 > bomb.tgz && rm zeros'], { cwd: work });
    const bomb = fs.readFileSync(path.join(work, 'bomb.tgz'));
    expect(bomb.length).toBeLessThan(4 << 20);
    const before = fs.statfsSync(tmp);
    let peak = 0;
    const watch = setInterval(() => {
      const st = fs.statfsSync(tmp);
      peak = Math.max(peak, (Number(before.bavail) - Number(st.bavail)) * Number(st.bsize));
    }, 20);
    const r = await build('gina', 'FROM busybox\nADD bomb.tgz /x/\n', { 'bomb.tgz': bomb }).finally(() => clearInterval(watch));
    expect(r.error?.code).toBe('RESOURCE_LIMIT');
    expect(r.error?.message).toMatch(/ADD bomb.tgz: the archive expands more than 100 times.*LAB_MAX_ARCHIVE_RATIO/);
    expect(peak).toBeLessThan(bomb.length * 100 + (32 << 20));
    await stillAnswers('gina');
  }, 120_000);

  it('huge context upload: refused at LAB_MAX_CONTEXT_BYTES while streaming, not after writing it all', async () => {
    const socketPath = await daemon.socketFor('hank');
    const before = fs.statfsSync(tmp);
    let peak = 0;
    const watch = setInterval(() => {
      const st = fs.statfsSync(tmp);
      peak = Math.max(peak, (Number(before.bavail) - Number(st.bavail)) * Number(st.bsize));
    }, 20);
    let sent = 0;
    const total = 256 << 20;
    const chunk = Buffer.alloc(1 << 20, 0x61);
    const events = await new Promise<BuildEvent[]>((resolve, reject) => {
      const req = http.request({ socketPath, method: 'POST', path: '/build?t=ctx' }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as BuildEvent)));
      });
      req.on('error', reject);
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    }).finally(() => clearInterval(watch));
    const last = events.at(-1) as { type: string; code?: string; message?: string };
    expect(last.type).toBe('build.error');
    expect(last.code).toBe('RESOURCE_LIMIT');
    expect(last.message).toMatch(/the build context is larger than 8 MiB.*LAB_MAX_CONTEXT_BYTES.*\.dockerignore/);
    expect(peak).toBeLessThan(CONTEXT_CAP + (8 << 20));
    expect(fs.readdirSync(path.join(tmp, 'root', 'tmp')).filter((f) => f.startsWith('context-'))).toEqual([]);
    await stillAnswers('hank');
  }, 120_000);

  it('build flood: a third concurrent build of one student is refused with a retryable limit error (cap 2), another student is unaffected', async () => {
    const slow = 'FROM busybox\nRUN sleep 3\n';
    const first = [build('ivy', slow), build('ivy', slow)];
    await new Promise((r) => setTimeout(r, 500));
    const third = await build('ivy', slow);
    expect(third.error?.code).toBe('TOO_MANY_REQUESTS'); // retryable, unlike a limit the build hit
    expect(third.error?.message).toMatch(/2 builds of yours are running.*LAB_MAX_BUILDS_PER_USER.*build again/);
    const other = await build('jack', 'FROM busybox\nRUN echo other\n');
    expect(other.error).toBeUndefined();
    for (const r of await Promise.all(first)) expect(r.error).toBeUndefined();
    await stillAnswers('ivy');
  }, 120_000);

  it('RUN busy loop: CPU use is bounded by the quota (LAB_RUN_CPUS, default 1 CPU)', async () => {
    // two spinning processes for 2 s: unthrottled they would use ~4 s of CPU on this 2-core machine
    const spin = 'timeout 2 sh -c \\"while :; do :; done\\"';
    const script = `echo QUOTA=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cat /sys/fs/cgroup/cpu.max); time sh -c "${spin} & ${spin}; wait"`;
    const r = await build('frank', `FROM busybox\nRUN ${script}\n`);
    expect(r.error).toBeUndefined();
    const text = JSON.stringify(r.events);
    expect(text).toMatch(/QUOTA=100000/); // quota 100000 µs per 100000 µs period
    // busybox time: "user\t0m 1.02s", "sys\t0m 0.95s" (children's CPU time)
    const secs = (k: string) => Number(new RegExp(`${k}\\\\t(\\d+)m ([\\d.]+)s`).exec(text)?.slice(1).reduce((m, s) => String(Number(m) * 60 + Number(s))) ?? NaN);
    const cpu = secs('user') + secs('sys');
    expect(cpu).toBeGreaterThan(0.5);
    expect(cpu).toBeLessThan(2.9);
  }, 120_000);
});
