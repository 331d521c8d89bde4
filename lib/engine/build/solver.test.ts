import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import { cacheReport, createTestEngine, isRoot, type TestEngine } from './testing/engine.ts';
import { PlainRenderer } from '../progress/plain.ts';
import type { BuildEvent } from '../progress/events.ts';

if (!isRoot) console.warn('solver tests skipped: they need root (files in layers are chowned to 0)');

let eng: TestEngine;
beforeAll(async () => {
  if (isRoot) eng = await createTestEngine('solver');
});
afterAll(async () => {
  await eng?.dispose();
});

function plain(events: BuildEvent[]): string {
  let out = '';
  const r = new PlainRenderer((t) => (out += t));
  events.forEach((e) => r.write(e));
  return out;
}

describe.skipIf(!isRoot)('solver without RUN (scratch base)', () => {
  it('builds COPY + metadata into config, history and one layer per COPY', async () => {
    const ctx = await eng.context({ 'a.txt': 'hello', 'Dockerfile': 'FROM scratch\nCOPY a.txt /data/\nENV A=b\nLABEL x=y\nEXPOSE 80\nUSER 1000\nWORKDIR /data\nCMD ["/a.txt"]\n' });
    const { result, events } = await eng.build(ctx, { tags: ['demo:v1'] });
    const img = await eng.images.get('demo:v1');
    expect(img.id).toBe(result.imageId);
    expect(img.config.config?.Env).toContain('A=b');
    expect(img.config.config?.Labels).toEqual({ x: 'y' });
    expect(img.config.config?.ExposedPorts).toEqual({ '80/tcp': {} });
    expect(img.config.config?.User).toBe('1000');
    expect(img.config.config?.WorkingDir).toBe('/data');
    expect(img.config.config?.Cmd).toEqual(['/a.txt']);
    const hist = img.config.history!.map((h) => [h.created_by, !!h.empty_layer]);
    expect(hist).toEqual([
      ['COPY a.txt /data/ # buildkit', false],
      ['ENV A=b', true],
      ['LABEL x=y', true],
      ['EXPOSE map[80/tcp:{}]', true],
      ['USER 1000', true],
      ['WORKDIR /data', true],
      ['CMD ["/a.txt"]', true],
    ]);
    expect(img.manifest.layers).toHaveLength(1);
    const out = plain(events);
    expect(out).toContain('[internal] load build definition from Dockerfile');
    expect(out).toMatch(/#\d+ \[2\/3\] COPY a.txt \/data\//);
    expect(out).toContain('naming to docker.io/library/demo:v1');
  });

  it('reports CACHED on a rebuild and why a step missed after a change', async () => {
    const ctx = await eng.context({ 'req.txt': 'flask\n', 'app.py': 'print(1)\n', 'Dockerfile': 'FROM scratch\nCOPY req.txt /app/\nCOPY app.py /app/\n' });
    const first = await eng.build(ctx);
    expect(cacheReport(first.events)).toEqual({ 'COPY req.txt /app/': 'no earlier build of this step', 'COPY app.py /app/': 'no earlier build of this step' });
    const again = await eng.build(ctx);
    expect(cacheReport(again.events)).toEqual({ 'COPY req.txt /app/': 'CACHED', 'COPY app.py /app/': 'CACHED' });
    expect(again.result.imageId).toBe(first.result.imageId);
    await fs.utimes(path.join(ctx, 'req.txt'), new Date(), new Date(Date.now() + 5000));
    expect(cacheReport((await eng.build(ctx)).events)['COPY req.txt /app/']).toBe('CACHED');
    await fs.writeFile(path.join(ctx, 'req.txt'), 'flask==3\n');
    expect(cacheReport((await eng.build(ctx)).events)).toEqual({ 'COPY req.txt /app/': 'req.txt changed', 'COPY app.py /app/': 'parent step rebuilt' });
    await fs.chmod(path.join(ctx, 'app.py'), 0o755);
    expect(cacheReport((await eng.build(ctx)).events)).toEqual({ 'COPY req.txt /app/': 'CACHED', 'COPY app.py /app/': 'mode of app.py changed 644→755' });
    expect(cacheReport((await eng.build(ctx, { noCache: true })).events)['COPY req.txt /app/']).toBe('--no-cache');
  });

  it('creates the WORKDIR directory as a layer when missing', async () => {
    const ctx = await eng.context({ 'Dockerfile': 'FROM scratch\nWORKDIR /srv/app\n' });
    const { result } = await eng.build(ctx);
    const img = await eng.images.get(result.imageId);
    expect(img.config.history![0]).toMatchObject({ created_by: 'WORKDIR /srv/app # buildkit' });
    expect(img.manifest.layers).toHaveLength(1);
  });

  it('builds from a context tar (what the CLI streams to the daemon), honouring .dockerignore', async () => {
    const ctx = await eng.context({ 'keep.txt': 'k', 'secret.env': 'TOKEN=1', '.dockerignore': 'secret.env\n', Dockerfile: 'FROM scratch\nCOPY . /ctx/\n' });
    const tarFile = path.join(eng.root, 'ctx.tar');
    const { openContext } = await import('../build-context/index.ts');
    const { pipeline } = await import('node:stream/promises');
    await pipeline((await openContext(ctx)).tar(), (await import('node:fs')).createWriteStream(tarFile));
    const events: BuildEvent[] = [];
    const result = await eng.solver.build({ context: { kind: 'tar', path: tarFile } }, (e) => events.push(e));
    const img = await eng.images.get(result.imageId);
    const { finalState } = await import('./testing/layer-diff.ts');
    const state = await finalState(await Promise.all(img.manifest.layers.map((l) => eng.store.get(l.digest))));
    expect(state.has('ctx/keep.txt')).toBe(true);
    expect(state.has('ctx/secret.env')).toBe(false);
    expect((await fs.readdir(path.join(eng.root, 'tmp'))).filter((n) => n.startsWith('context-'))).toEqual([]);
  });

  it('refuses a foreign --platform', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM scratch\n' });
    const { error } = await eng.fail(ctx, { platform: 'windows/amd64' });
    expect(error.message).toMatch(/only builds linux\//);
  });

  it('fails with the Dockerfile line when a source is missing', async () => {
    const ctx = await eng.context({ 'Dockerfile': 'FROM scratch\n\nCOPY nope.txt /\n' });
    const { error, events } = await eng.fail(ctx);
    expect(error.code).toBe('CONTEXT_NOT_FOUND');
    const end = events.at(-1)!;
    expect(end).toMatchObject({ type: 'build.error', range: { start: 3, end: 3 } });
    expect(plain(events)).toContain('   3 | >>> COPY nope.txt /');
  });
});
