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
  expect(images.out).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\nbusybox\s+latest\s+[0-9a-f]{12}\s+/);

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
  const prune = await lab('builder', 'prune', '-a');
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

      fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM busybox\nRUN echo about to fail && exit 3\n');
      const failEvents: BuildEvent[] = [];
      await expect(client.build({}, { dir: ctx }, (e) => failEvents.push(e))).rejects.toThrow(/exit/);
      const last = failEvents[failEvents.length - 1];
      expect(last.type).toBe('build.error');
      expect((await client.version()).Version).toBeTruthy();
      expect((await client.check()).ok).toBe(true);
    });
  });
});
