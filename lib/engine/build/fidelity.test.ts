// Real builds (root) checking behaviour a student compares with BuildKit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip } from 'node:zlib';
import { PaxSniffer } from '../layer/pax-sniffer.ts';
import { CAP_HEX } from '../layer/testing.ts';
import { cacheReport, createTestEngine, isRoot, type TestEngine } from './testing/engine.ts';

const run = promisify(execFile);

if (!isRoot) console.warn('fidelity build tests skipped: they need root (files in layers are chowned to 0)');

let eng: TestEngine;
beforeAll(async () => {
  if (isRoot) eng = await createTestEngine('fidelity');
});
afterAll(async () => {
  await eng?.dispose();
});

describe.skipIf(!isRoot)('BuildKit fidelity (real builds)', () => {
  // frontend/dockerfile/dockerfile2llb/convert.go dispatchExpose -> nat.ParsePortSpecs: a range is each port.
  it('EXPOSE 7000-7002/tcp exposes three ports', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM scratch\nEXPOSE 7000-7002/tcp 80\n' });
    await eng.build(ctx, { tags: ['fid:expose'] });
    const img = await eng.images.get('fid:expose');
    expect(img.config.config?.ExposedPorts).toEqual({ '7000/tcp': {}, '7001/tcp': {}, '7002/tcp': {}, '80/tcp': {} });
  });

  // BuildKit's file op cache is content-based (solver/llbsolver/ops/file.go), so a rebuilt stage
  // whose copied output is byte-identical leaves COPY --from and the steps after it CACHED.
  it('COPY --from stays CACHED when the rebuilt stage produced identical files', async () => {
    const ctx = await eng.context({
      'a.txt': 'same', 'b.txt': 'one',
      Dockerfile: 'FROM scratch AS build\nCOPY a.txt /out/a.txt\nCOPY b.txt /other/\nFROM scratch\nCOPY --from=build /out /app\nCOPY a.txt /after/\n',
    });
    await eng.build(ctx);
    await fs.writeFile(path.join(ctx, 'b.txt'), 'two');
    const report = cacheReport((await eng.build(ctx)).events);
    expect(report['COPY b.txt /other/']).toBe('b.txt changed');
    expect(report['COPY --from=build /out /app']).toBe('CACHED');
    expect(report['COPY a.txt /after/']).toBe('CACHED');
  });

  // BuildKit's solver merges identical vertices of concurrent jobs (solver/jobs.go: one shared
  // vertex per digest), so identical builds started together end with one image ID; before,
  // two identical COPY layers committed at once crashed one build with ENOTEMPTY.
  it('ten identical builds started together succeed and give one image ID, as does a rebuild', async () => {
    const ctx = await eng.context({ 'a.txt': 'a', Dockerfile: 'FROM busybox\nCOPY a.txt /a\nRUN echo hi > /x\n' });
    const results = await Promise.all(Array.from({ length: 10 }, () => eng.build(ctx)));
    const ids = new Set(results.map((r) => r.result.imageId));
    expect(ids.size).toBe(1);
    expect((await eng.build(ctx)).result.imageId).toBe([...ids][0]);
    const ran = results.filter((r) => cacheReport(r.events)['RUN echo hi > /x'] !== 'CACHED');
    expect(ran).toHaveLength(1); // the step ran once; the other nine found its record
  }, 180_000);

  // `docker history` SIZE is the files' bytes (moby archive.ChangesSize), not the blob: the
  // trace used to show a 68-byte file's layer as 356B (its gzip) while history said 68B.
  it('a step\'s layer size in the trace is the SIZE docker history shows', async () => {
    const ctx = await eng.context({ 'a.txt': 'x'.repeat(68), Dockerfile: 'FROM scratch\nCOPY a.txt /a.txt\n' });
    const { result, events } = await eng.build(ctx, { tags: ['fid:size'] });
    const done = events.find((e) => e.type === 'vertex.done' && e.layer);
    const layer = done?.type === 'vertex.done' ? done.layer : undefined;
    expect(layer?.contentSize).toBe(68);
    const img = await eng.images.get('fid:size');
    expect((await eng.images.layerUsage(img.manifest.layers[0])).contentSize).toBe(68);
    expect(layer?.size).toBe(img.manifest.layers[0].size); // the compressed size stays available
    expect(result.steps.find((s) => s.layer)?.layer?.contentSize).toBe(68);
    // and a cached rebuild reports the same
    const again = await eng.build(ctx);
    expect(again.result.steps.find((s) => s.layer)?.layer?.contentSize).toBe(68);
  });

  // BuildKit's scheduler starts a vertex when its inputs are done (solver/scheduler.go), so a
  // COPY --from step appears after the source stage's steps, never in front of them.
  it('multi-stage: COPY --from=build starts after the build stage\'s steps finished', async () => {
    const ctx = await eng.context({
      'a.txt': 'a',
      Dockerfile: 'FROM busybox AS build\nRUN sleep 0.2; echo hi > /x\nRUN echo two > /y\nFROM scratch\nCOPY a.txt /a\nCOPY --from=build /x /x\n',
    });
    const { events } = await eng.build(ctx);
    const order: string[] = [];
    for (const e of events) if (e.type === 'vertex.started' && e.step) order.push(e.name);
    const copyFrom = order.findIndex((n) => n.includes('COPY --from=build'));
    expect(copyFrom).toBeGreaterThan(order.findIndex((n) => n.includes('[build 3/3] RUN echo two')));
    const buildLast = events.find((e) => e.type === 'vertex.started' && e.name.includes('[build 3/3]'));
    const doneBuild = events.findIndex((e) => e.type === 'vertex.done' && buildLast?.type === 'vertex.started' && e.vertex === buildLast.vertex);
    const startCopy = events.findIndex((e) => e.type === 'vertex.started' && e.name.includes('COPY --from=build'));
    expect(startCopy).toBeGreaterThan(doneBuild);
  });

  // File capabilities survive ADD's extraction (moby pkg/archive createTarFile applies the
  // SCHILY.xattr records) and COPY --from (fsutil copy: copyXAttrs), so `ping` built with
  // cap_net_raw still works as a non-root USER in the final stage.
  it('security.capability survives ADD of an archive and COPY --from', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM scratch AS base\nADD app.tar /opt/\nFROM scratch\nCOPY --from=base /opt/ping /bin/ping\n' });
    const src = path.join(eng.root, 'cap-src');
    await fs.mkdir(src, { recursive: true });
    await fs.writeFile(path.join(src, 'ping'), 'binary', { mode: 0o755 });
    await run('setfattr', ['-n', 'security.capability', '-v', `0x${CAP_HEX}`, path.join(src, 'ping')]);
    await run('tar', ['--xattrs', '--xattrs-include=security.capability', '-C', src, '-cf', path.join(ctx, 'app.tar'), 'ping']);
    await eng.build(ctx, { tags: ['fid:caps'], target: 'base' });
    await eng.build(ctx, { tags: ['fid:caps2'] });
    const capOf = async (tag: string, name: string) => {
      const img = await eng.images.get(tag);
      const layer = img.manifest.layers.at(-1)!;
      const sniffer = new PaxSniffer();
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      await pipeline(await eng.store.createReadStream(layer.digest), createGunzip(), sniffer, sink);
      return sniffer.capabilities.get(name)?.toString('hex');
    };
    expect(await capOf('fid:caps', 'opt/ping')).toBe(CAP_HEX);
    expect(await capOf('fid:caps2', 'bin/ping')).toBe(CAP_HEX);
  });

  // The built-in busybox answers to the version Debian ships (like the official image's
  // 1.35 / 1.35.0 tags), so the pin the linter asks for works; an unknown base says what exists.
  it('FROM busybox:<the version Debian ships> works; an unknown base lists the images that exist', async () => {
    const version = (await run('/bin/busybox', ['--help']).catch((e: { stdout: string }) => e)).stdout.match(/BusyBox v(\d+\.\d+)/)![1];
    const ctx = await eng.context({ Dockerfile: `FROM busybox:${version}\nRUN echo pinned > /p\n` });
    await eng.build(ctx, { tags: ['fid:pinned'] });
    expect((await eng.images.get(`busybox:${version}`)).id).toBe((await eng.images.get('busybox:latest')).id);
    const bad = await eng.context({ Dockerfile: 'FROM python:3.11-slim\nRUN true\n' });
    const { error } = await eng.fail(bad);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toMatch(/python:3\.11-slim: not found: this lab cannot reach Docker Hub/);
    expect(error.message).toContain(`busybox:${version}`);
    expect(error.message).toMatch(/Yours: .*fid:pinned/);
  });
});
