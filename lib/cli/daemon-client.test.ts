// The image verbs end to end: through main() in direct mode (no daemon) and through a real
// `lab daemon` socket, plus a real build streamed to the daemon (root + runc + busybox-static).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './main.ts';
import { connectEngine, DaemonClient } from './daemon-client.ts';
import { openEngine } from '../engine/daemon/engine.ts';
import { LocalEngineApi } from '../engine/daemon/local-api.ts';
import { startDaemon, type DaemonHandle } from '../engine/daemon/http-server.ts';
import type { BuildEvent } from '../engine/progress/events.ts';

const isRoot = process.getuid?.() === 0;
const canBusybox = isRoot && fs.existsSync('/bin/busybox');
let hasBuildah = false;
try {
  execFileSync('buildah', ['--version']);
  hasBuildah = true;
} catch {
  /* no buildah */
}
let canRunc = false;
try {
  execFileSync('runc', ['--version']);
  canRunc = isRoot;
} catch {
  /* no runc */
}
if (!canBusybox) console.warn('lab image verb tests skipped: need root and busybox-static');
if (!canRunc) console.warn('daemon build test skipped: needs root and runc');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-cli-'));
const savedEnv = { LAB_ROOT: process.env.LAB_ROOT, LAB_HOST: process.env.LAB_HOST };
afterAll(() => {
  process.env.LAB_ROOT = savedEnv.LAB_ROOT;
  process.env.LAB_HOST = savedEnv.LAB_HOST;
  if (savedEnv.LAB_ROOT === undefined) delete process.env.LAB_ROOT;
  if (savedEnv.LAB_HOST === undefined) delete process.env.LAB_HOST;
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function lab(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += c.toString()), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += c.toString()), true));
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

async function verbSuite(mode: 'direct' | 'daemon') {
  const api = await connectEngine();
  expect(api.mode).toBe(mode);
  const images = await lab('images');
  expect(images.code).toBe(0);
  // one row per tag, an image's tags in lexical order as moby's reference store returns them
  // (reference/store.go References: sort.Sort(lexicalRefs)): busybox 1.35, 1.35.0, latest
  expect(images.out).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\n/);
  expect(images.out).toMatch(/\nbusybox\s+latest\s+[0-9a-f]{12}\s+/);

  expect((await lab('tag', 'busybox', `me/box:${mode}`)).code).toBe(0);
  const hist = await lab('history', `me/box:${mode}`);
  expect(hist.out.split('\n')[0]).toMatch(/^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
  expect(hist.out).toContain('CMD ["sh"]');
  expect(hist.out).toContain('<missing>');

  const layers = await lab('inspect', '--format', '{{range .RootFS.Layers}}{{.}}{{"\\n"}}{{end}}', 'busybox');
  // docker adds its own newline after the template output, hence the blank line
  expect(layers.out).toMatch(/^sha256:[0-9a-f]{64}\n\n$/);
  const json = JSON.parse((await lab('inspect', 'busybox')).out);
  expect(json[0].Config.Cmd).toEqual(['sh']);
  const missing = await lab('inspect', 'nope:1');
  expect(missing.code).toBe(1);
  expect(missing.err).toContain('No such image: nope:1');

  const file = path.join(tmp, `${mode}.tar`);
  expect((await lab('save', '-o', file, `me/box:${mode}`)).code).toBe(0);
  expect(fs.statSync(file).size).toBeGreaterThan(1_000_000);
  const rmi = await lab('rmi', `me/box:${mode}`);
  expect(rmi.out).toBe(`Untagged: me/box:${mode}\n`);
  const load = await lab('load', '-i', file);
  expect(load.out).toBe(`Loaded image: me/box:${mode}\n`);

  const df = await lab('system', 'df');
  expect(df.out).toMatch(/^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\nImages\s+1\s+/);
  const check = await lab('system', 'check');
  expect(check.code).toBe(0);
  expect(check.out).toMatch(/^OK: \d+ blobs verified/);
  const prune = await lab('builder', 'prune', '-a', '-f'); // -f: no prompt (docker builder prune asks first)
  expect(prune.out).toMatch(/Total reclaimed space: /);
  expect((await lab('rmi', `me/box:${mode}`)).code).toBe(0);
}

describe.skipIf(!canBusybox)('lab image verbs', () => {
  it('work directly on $LAB_ROOT when no daemon runs', async () => {
    const root = path.join(tmp, 'direct');
    process.env.LAB_ROOT = root;
    delete process.env.LAB_HOST;
    // direct verbs do not build base images; a builder-side open does
    await openEngine({ root, withBuilder: false });
    await verbSuite('direct');
  });

  describe('through lab daemon', () => {
    let handle: DaemonHandle;
    let root: string;
    beforeAll(async () => {
      root = path.join(tmp, 'daemon');
      const engine = await openEngine({ root, withBuilder: canRunc });
      handle = await startDaemon(new LocalEngineApi(engine), path.join(root, 'lab.sock'));
      process.env.LAB_ROOT = root;
      delete process.env.LAB_HOST;
    });
    afterAll(async () => {
      await handle?.close();
    });

    it('uses the socket', async () => {
      await verbSuite('daemon');
    });

    it('refuses LAB_HOST pointing at nothing instead of silently going direct', async () => {
      process.env.LAB_HOST = `unix://${path.join(tmp, 'nothing.sock')}`;
      try {
        await expect(connectEngine()).rejects.toThrow(/no lab daemon answers/);
      } finally {
        delete process.env.LAB_HOST;
      }
    });

    it.skipIf(!canRunc)('streams a build context in and events out; a failing build leaves the daemon serving', async () => {
      const ctx = path.join(tmp, 'ctx');
      fs.mkdirSync(ctx, { recursive: true });
      fs.writeFileSync(path.join(ctx, 'a.txt'), 'hello\n');
      fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM busybox\nCOPY a.txt /a.txt\nRUN cat /a.txt > /b.txt\nCMD ["cat", "/b.txt"]\n');
      const client = new DaemonClient(handle.socketPath);
      const events: BuildEvent[] = [];
      const res = await client.build({ tags: ['built:1'] }, { dir: ctx }, (e) => events.push(e));
      expect(res.tags).toEqual(['docker.io/library/built:1']);
      expect(events.some((e) => e.type === 'vertex.started' && e.name.includes('COPY a.txt'))).toBe(true);
      const inspect = await client.inspectImage('built:1');
      expect(inspect.Id).toBe(res.imageId);
      expect(inspect.RootFS.Layers).toHaveLength(3);

      // a Dockerfile from outside the context travels with the request
      const outside = await client.build({ tags: ['outside:1'], dockerfileText: 'FROM busybox\nCOPY a.txt /copied.txt\n' }, { dir: ctx });
      expect((await client.inspectImage('outside:1')).Id).toBe(outside.imageId);

      fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM busybox\nRUN echo about to fail && exit 3\n');
      const failEvents: BuildEvent[] = [];
      await expect(client.build({}, { dir: ctx }, (e) => failEvents.push(e))).rejects.toThrow(/exit/);
      const last = failEvents[failEvents.length - 1];
      expect(last.type).toBe('build.error');
      expect((await client.version()).Version).toBeTruthy();
      expect((await client.check()).ok).toBe(true);
    });

    it.skipIf(!canRunc || !hasBuildah)('an image built by buildah, loaded with lab load, builds further with FROM', async () => {
      const work = path.join(tmp, 'buildah');
      const bctx = path.join(work, 'ctx');
      fs.mkdirSync(bctx, { recursive: true });
      fs.writeFileSync(path.join(bctx, 'hello.txt'), 'from buildah\n');
      fs.writeFileSync(path.join(bctx, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\nENV FROM_BUILDAH=1\n');
      const b = (...args: string[]) =>
        execFileSync('buildah', ['--root', path.join(work, 'root'), '--runroot', path.join(work, 'run'), '--storage-driver', 'vfs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      b('bud', '--isolation', 'chroot', '--layers', '-t', 'test/base:1', bctx);
      b('push', 'test/base:1', `oci-archive:${work}/base.tar:test/base:1`);
      const load = await lab('load', '-i', `${work}/base.tar`);
      expect(load.out).toBe('Loaded image: test/base:1\n');
      const ctx = path.join(tmp, 'ctx2');
      fs.mkdirSync(ctx, { recursive: true });
      fs.writeFileSync(path.join(ctx, 'more.txt'), 'more\n');
      fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM test/base:1\nCOPY more.txt /more.txt\n');
      const client = new DaemonClient(handle.socketPath);
      const res = await client.build({ tags: ['on-buildah:1'] }, { dir: ctx });
      const img = await client.inspectImage('on-buildah:1');
      expect(img.Id).toBe(res.imageId);
      const base = await client.inspectImage('test/base:1');
      expect(img.RootFS.Layers.slice(0, base.RootFS.Layers.length)).toEqual(base.RootFS.Layers);
      expect(img.RootFS.Layers).toHaveLength(base.RootFS.Layers.length + 1);
      expect(img.Config.Env).toContain('FROM_BUILDAH=1');
    });
  });
});

describe.skipIf(!canBusybox)('the lab daemon process', () => {
  it('listens on $LAB_ROOT/lab.sock, replaces a stale socket and removes it on SIGTERM', async () => {
    const root = path.join(tmp, 'proc');
    fs.mkdirSync(root, { recursive: true });
    const sock = path.join(root, 'lab.sock');
    execFileSync('python3', ['-c', `import socket; s=socket.socket(socket.AF_UNIX); s.bind(${JSON.stringify(sock)})`]);
    const { spawn } = await import('node:child_process');
    const bin = path.resolve(__dirname, '..', '..', 'bin', 'lab.mjs');
    const child = spawn(process.execPath, [bin, 'daemon'], { env: { ...process.env, LAB_ROOT: root, LAB_HOST: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d) => (log += d));
    try {
      const deadline = Date.now() + 30_000;
      while (!log.includes('listening on') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(log).toContain(`listening on unix://${sock}`);
      const client = new DaemonClient(sock);
      expect((await client.listImages()).length).toBeGreaterThan(0);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    expect(child.exitCode).toBe(0);
    expect(fs.existsSync(sock)).toBe(false);
  });
});
