import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import fsSync from 'node:fs';
import { Writable } from 'node:stream';
import zlib from 'node:zlib';
import { cacheReport, createTestEngine, runcMissing, type TestEngine } from './testing/engine.ts';
import { ClassicRenderer } from '../progress/classic.ts';
import type { BuildEvent } from '../progress/events.ts';
import { readTar } from '../layer/testing.ts';

if (runcMissing) console.warn(`solver RUN tests skipped: ${runcMissing}`);

let eng: TestEngine;
beforeAll(async () => {
  if (!runcMissing) eng = await createTestEngine('run');
});
afterAll(async () => {
  await eng?.dispose();
});

async function layerNames(eng: TestEngine, digest: string): Promise<string[]> {
  return (await readTar(await eng.store.get(digest))).map((e) => e.name);
}

function logs(events: BuildEvent[]): string[] {
  return events.filter((e) => e.type === 'vertex.log').map((e) => (e as { text: string }).text);
}

describe.skipIf(!!runcMissing)('solver with RUN on busybox', () => {
  it('runs commands, streams output and records BuildKit history', async () => {
    const ctx = await eng.context({ 'Dockerfile': 'FROM busybox\nARG GREETING=hi\nRUN echo "$GREETING from $(whoami)" && mkdir -p /out && echo x > /out/f\nRUN rm /out/f\n' });
    const { result, events } = await eng.build(ctx, { tags: ['runner:1'] });
    expect(logs(events)).toContain('hi from root');
    const img = await eng.images.get(result.imageId);
    const hist = img.config.history!.slice(-3).map((h) => h.created_by);
    expect(hist).toEqual(['ARG GREETING=hi', 'RUN |1 GREETING=hi /bin/sh -c echo "$GREETING from $(whoami)" && mkdir -p /out && echo x > /out/f # buildkit', 'RUN |1 GREETING=hi /bin/sh -c rm /out/f # buildkit']);
    const layers = img.manifest.layers;
    // Runtime mount points (/etc/hosts, /proc, /dev...) never reach a layer, nor does the bare
    // OverlayFS copy-up of /etc they caused (BuildKit's differ skips unchanged directories too).
    const names = (d: string) => layerNames(eng, d);
    expect(await names(layers[1].digest)).toEqual(['out/', 'out/f']);
    // a deletion is a whiteout
    expect(await names(layers[2].digest)).toEqual(['out/', 'out/.wh.f']);
  });

  it('misses from the first use of a changed --build-arg', async () => {
    const ctx = await eng.context({ 'a': 'a', 'Dockerfile': 'FROM busybox\nCOPY a /a\nARG VERSION=1\nRUN echo $VERSION > /v\nRUN cat /v\n' });
    await eng.build(ctx);
    const second = await eng.build(ctx, { buildArgs: { VERSION: '2' } });
    expect(cacheReport(second.events)).toEqual({ 'COPY a /a': 'CACHED', 'RUN echo $VERSION > /v': 'ARG VERSION changed', 'RUN cat /v': 'parent step rebuilt' });
  });

  it("shows the lesson's BAD vs GOOD ordering", async () => {
    const files = { 'requirements.txt': 'flask\n', 'app.py': 'print(1)\n' };
    const bad = await eng.context({ ...files, Dockerfile: 'FROM busybox\nWORKDIR /app\nCOPY . .\nRUN cat requirements.txt > deps\n' });
    const good = await eng.context({ ...files, Dockerfile: 'FROM busybox\nWORKDIR /app\nCOPY requirements.txt .\nRUN cat requirements.txt > deps\nCOPY . .\n' });
    await eng.build(bad, { tags: ['bad'] });
    await eng.build(good, { tags: ['good'] });
    await fs.writeFile(path.join(bad, 'app.py'), 'print(2)\n');
    await fs.writeFile(path.join(good, 'app.py'), 'print(2)\n');
    const b = cacheReport((await eng.build(bad, { tags: ['bad'] })).events);
    const g = cacheReport((await eng.build(good, { tags: ['good'] })).events);
    expect(b).toEqual({ 'WORKDIR /app': 'CACHED', 'COPY . .': 'app.py changed', 'RUN cat requirements.txt > deps': 'parent step rebuilt' });
    expect(g).toEqual({ 'WORKDIR /app': 'CACHED', 'COPY requirements.txt .': 'CACHED', 'RUN cat requirements.txt > deps': 'CACHED', 'COPY . .': 'app.py changed' });
  });

  it('never runs an unused failing stage; COPY --from hits when the files are identical', async () => {
    const ctx = await eng.context({
      'src.txt': 'v1',
      Dockerfile: [
        'FROM busybox AS broken',
        'RUN exit 1',
        'FROM busybox AS build',
        'COPY src.txt /src.txt',
        'RUN cp /src.txt /artifact && echo built',
        'FROM scratch',
        'COPY --from=build /artifact /artifact',
      ].join('\n'),
    });
    const first = await eng.build(ctx);
    expect(first.events.some((e) => e.type === 'vertex.started' && /exit 1/.test(e.name))).toBe(false);
    await fs.writeFile(path.join(ctx, 'src.txt'), 'v1');
    await fs.utimes(path.join(ctx, 'src.txt'), new Date(), new Date(Date.now() + 3000));
    const second = await eng.build(ctx, { noCacheFilter: ['build'] });
    const r = cacheReport(second.events);
    expect(r['RUN cp /src.txt /artifact && echo built']).toBe('--no-cache-filter build');
    expect(r['COPY --from=build /artifact /artifact']).toBe('CACHED');
    const third = await eng.build(ctx);
    expect(cacheReport(third.events)['COPY --from=build /artifact /artifact']).toBe('CACHED');
  });

  it('COPY --from misses when a re-run stage produced different files', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM busybox AS gen\nRUN head -c 16 /dev/urandom | od -x > /stamp\nFROM scratch\nCOPY --from=gen /stamp /stamp\n' });
    await eng.build(ctx);
    expect(cacheReport((await eng.build(ctx)).events)['COPY --from=gen /stamp /stamp']).toBe('CACHED');
    const rerun = await eng.build(ctx, { noCacheFilter: ['gen'] });
    expect(cacheReport(rerun.events)['COPY --from=gen /stamp /stamp']).toBe('stamp changed');
  });

  it('fails a RUN with its command, exit code and output, on the right line', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM busybox\nRUN echo about to fail && exit 3\n' });
    const { error, events } = await eng.fail(ctx);
    expect(error.code).toBe('RUN_FAILED');
    expect(error.message).toContain('exit code: 3');
    expect(events.at(-1)).toMatchObject({ type: 'build.error', range: { start: 2 } });
  });

  it('renders the classic builder output', async () => {
    const ctx = await eng.context({ 'f': 'x', Dockerfile: 'FROM busybox\nCOPY f /f\nENV A=1\nRUN echo classic\nLABEL x=y\nCMD ["sh"]\n' });
    await eng.build(ctx, { tags: ['classic:v1'] });
    const { events, result } = await eng.build(ctx, { tags: ['classic:v1'] });
    let out = '';
    const r = new ClassicRenderer((t) => (out += t));
    events.forEach((e) => r.write(e));
    expect(out).toMatch(/^Sending build context to Docker daemon {2}\d+(\.\d+)?[kM]?B\nStep 1\/6 : FROM busybox\n ---> [0-9a-f]{12}\nStep 2\/6 : COPY f \/f\n ---> Using cache\n ---> [0-9a-f]{12}\nStep 3\/6 : ENV A=1\n/);
    expect(out).toMatch(/Step 4\/6 : RUN echo classic\n ---> Using cache\n ---> [0-9a-f]{12}\n/);
    // like the legacy builder: every step ends in its own image id, the last one is the image's
    const ids = [...out.matchAll(/^ ---> ([0-9a-f]{12})$/gm)].map((m) => m[1]);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    const built = result.imageId.replace(/^sha256:/, '').slice(0, 12);
    expect(ids.at(-1)).toBe(built);
    expect(out).toMatch(new RegExp(`Step 6/6 : CMD \\["sh"\\]\\n ---> Running in [0-9a-f]{12}\\nRemoving intermediate container [0-9a-f]{12}\\n ---> ${built}\\nSuccessfully built ${built}\\nSuccessfully tagged classic:v1\\n$`));
  });
});

describe.skipIf(!!runcMissing)('solver: triggers, secrets, outputs', () => {
  it('runs the base image ONBUILD triggers right after FROM and clears them', async () => {
    const base = await eng.context({ Dockerfile: 'FROM busybox\nONBUILD COPY marker.txt /marker.txt\nONBUILD RUN echo triggered > /triggered\n' });
    await eng.build(base, { tags: ['onbuild-base:1'] });
    const child = await eng.context({ 'marker.txt': 'm', Dockerfile: 'FROM onbuild-base:1\nRUN cat /marker.txt /triggered\n' });
    const { result, events } = await eng.build(child);
    expect(logs(events)).toEqual(['mtriggered']);
    const img = await eng.images.get(result.imageId);
    expect(img.config.config?.OnBuild ?? null).toBeNull();
    expect(events.some((e) => e.type === 'vertex.started' && e.name.includes('ONBUILD COPY marker.txt /marker.txt'))).toBe(true);
  });

  it('mounts a secret for one RUN without leaving it in a layer or in history', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM busybox\nRUN --mount=type=secret,id=token cat /run/secrets/token > /seen && echo ok\n' });
    const { result } = await eng.build(ctx, { secrets: { token: Buffer.from('s3cr3t-value') } });
    const img = await eng.images.get(result.imageId);
    const layer = zlib.gunzipSync(await eng.store.get(img.manifest.layers.at(-1)!.digest)).toString('latin1');
    expect(layer).toContain('s3cr3t-value'); // copied on purpose into /seen by the command
    expect(layer).not.toContain('run/secrets');
    expect(JSON.stringify(img.config.history)).not.toContain('s3cr3t-value');
  });

  it('RUN --mount=type=secret,env=NAME sets the variable and, without target=, mounts no file (BuildKit 0.14 dockerfile reference)', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM busybox\nRUN --mount=type=secret,id=tok,env=TOKEN test "${TOKEN#env-}" = secret && test ! -e /run/secrets/tok && echo fine\n' });
    const { result, events } = await eng.build(ctx, { secrets: { tok: Buffer.from('env-secret') } });
    expect(logs(events)).toEqual(['fine']);
    expect(JSON.stringify((await eng.images.get(result.imageId)).config)).not.toContain('env-secret');
  });

  it('exports OCI and docker archives with --output', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM busybox\nRUN echo out > /out\n' });
    const oci = path.join(eng.root, 'img-oci.tar');
    const docker = path.join(eng.root, 'img-docker.tar');
    // the builder writes into a stream its caller owns (it never opens a path itself)
    await eng.build(ctx, { tags: ['exported:1'], output: { type: 'oci', stream: fsSync.createWriteStream(oci) } });
    await eng.build(ctx, { tags: ['exported:1'], output: { type: 'docker', stream: fsSync.createWriteStream(docker) } });
    const list = async (f: string) => (await readTar(await fs.readFile(f))).map((e) => e.name);
    const o = await list(oci);
    expect(o).toContain('oci-layout');
    expect(o).toContain('index.json');
    expect(o.filter((n) => n.startsWith('blobs/sha256/')).length).toBeGreaterThanOrEqual(4);
    expect(await list(docker)).toContain('manifest.json');
  });

  it('exports the final filesystem with --output type=tar (BuildKit tar exporter: rootfs files, no image metadata)', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM busybox\nRUN echo out > /out && rm -f /etc/motd\n' });
    const file = path.join(eng.root, 'fs.tar');
    await eng.build(ctx, { output: { type: 'tar', stream: fsSync.createWriteStream(file) } });
    const entries = await readTar(await fs.readFile(file));
    const names = entries.map((e) => e.name.replace(/\/$/, ''));
    expect(names).toContain('out');
    expect(names).toContain('bin/busybox');
    expect(names.some((n) => n.includes('.wh.'))).toBe(false);
    expect(names).not.toContain('manifest.json');
  });

  it('reports the sink\'s own error when the export stream fails, not "already finalized or destroyed"', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM busybox\nRUN echo x > /x\n' });
    const broken = new Writable({ write: (_c, _e, cb) => cb(new Error('disk full on the client side')) });
    await expect(eng.build(ctx, { output: { type: 'oci', stream: broken } })).rejects.toThrow(/disk full on the client side/);
  });
});

describe.skipIf(!!runcMissing)('solver: ONBUILD in a stage used as a base', () => {
  it('runs the parent stage triggers once, numbered as triggers', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM busybox AS base\nONBUILD RUN echo from-trigger > /t\nFROM base\nRUN cat /t\n' });
    const { result, events } = await eng.build(ctx);
    expect(logs(events)).toEqual(['from-trigger']);
    const names = events.filter((e) => e.type === 'vertex.started' && e.step?.stage === 1).map((e) => (e as { name: string }).name);
    expect(names).toEqual(['[stage-1 1/2] FROM base', '[stage-1 1/2] ONBUILD RUN echo from-trigger > /t', '[stage-1 2/2] RUN cat /t']);
    expect((await eng.images.get(result.imageId)).config.config?.OnBuild ?? null).toBeNull();
  });
});

describe.skipIf(!!runcMissing)('solver: scheduling', () => {
  it('runs independent stages concurrently and only what the target needs', async () => {
    const ctx = await eng.context({
      Dockerfile: [
        'FROM busybox AS a',
        'RUN sleep 1 && echo a > /a',
        'FROM busybox AS b',
        'RUN sleep 1 && echo b > /b',
        'FROM busybox AS unused',
        'RUN echo never',
        'FROM scratch',
        'COPY --from=a /a /a',
        'COPY --from=b /b /b',
      ].join('\n'),
    });
    const { events } = await eng.build(ctx);
    const startOf = (re: RegExp) => events.findIndex((e) => e.type === 'vertex.started' && re.test(e.name));
    const vertexOf = (re: RegExp) => (events[startOf(re)] as { vertex: number }).vertex;
    const doneOf = (v: number) => events.findIndex((e) => (e.type === 'vertex.done' || e.type === 'vertex.cached') && e.vertex === v);
    const a = vertexOf(/\[a 2\/2\] RUN/);
    const b = vertexOf(/\[b 2\/2\] RUN/);
    // each RUN starts before the other one ends: they overlap
    expect(startOf(/\[b 2\/2\] RUN/)).toBeLessThan(doneOf(a));
    expect(startOf(/\[a 2\/2\] RUN/)).toBeLessThan(doneOf(b));
    expect(startOf(/echo never/)).toBe(-1);
  });
});

describe.skipIf(!!runcMissing)('solver: --target and run mounts', () => {
  it('builds only the --target stage and its dependencies', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM busybox AS a\nRUN echo a > /a\nFROM busybox AS b\nRUN exit 1\n' });
    const { result } = await eng.build(ctx, { target: 'a' });
    const img = await eng.images.get(result.imageId);
    expect(img.config.history!.at(-1)!.created_by).toContain('echo a > /a');
  });

  it('binds another stage and the context, and keeps a cache mount between builds', async () => {
    const ctx = await eng.context({
      'in.txt': 'from-context',
      Dockerfile: [
        'FROM busybox AS tools',
        'RUN echo tool > /tool.txt',
        'FROM busybox',
        'RUN --mount=type=bind,from=tools,source=/tool.txt,target=/mnt/tool.txt --mount=type=bind,source=in.txt,target=/mnt/in.txt cat /mnt/tool.txt /mnt/in.txt',
        'RUN --mount=type=cache,target=/cache echo $(($(cat /cache/n 2>/dev/null || echo 0)+1)) > /cache/n && cat /cache/n',
      ].join('\n'),
    });
    const first = await eng.build(ctx);
    expect(logs(first.events)).toEqual(['tool', 'from-context', '1']);
    await fs.writeFile(path.join(ctx, 'in.txt'), 'changed');
    const second = await eng.build(ctx);
    // the bound context file is part of the cache key: its change re-runs the step, and the
    // cache mount kept its content from the first build
    expect(logs(second.events)).toEqual(['tool', 'changed', '2']);
    const img = await eng.images.get(second.result.imageId);
    for (const l of img.manifest.layers.slice(1)) {
      const names = await layerNames(eng, l.digest);
      expect(names.filter((n) => n.startsWith('mnt/') || n.startsWith('cache/'))).toEqual([]);
    }
  });
});

describe.skipIf(!!runcMissing)('solver: RUN heredoc with a shebang', () => {
  it('runs the script as a file (its interpreter), never leaving it in the layer', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM busybox\nRUN <<EOF\n#!/bin/awk -f\nBEGIN { print "awk ran this"; system("echo x > /made") }\nEOF\n' });
    const { result, events } = await eng.build(ctx);
    expect(logs(events)).toEqual(['awk ran this']);
    const img = await eng.images.get(result.imageId);
    const names = await layerNames(eng, img.manifest.layers.at(-1)!.digest);
    expect(names).toEqual(['made']);
    expect((await fs.readdir(path.join(eng.root, 'tmp'))).filter((n) => n.startsWith('heredoc-'))).toEqual([]);
  });

  // One error model (issue 11): a cancelled build ends CANCELLED, never RUN_FAILED told apart
  // by the word "cancel" in its message.
  it('a build cancelled during RUN ends with code CANCELLED', async () => {
    const ctx = await eng.context({ Dockerfile: 'FROM busybox\nRUN sleep 30\n' });
    const controller = new AbortController();
    const events: BuildEvent[] = [];
    const p = eng.solver.build({ context: { kind: 'dir', path: ctx }, signal: controller.signal }, (e) => {
      events.push(e);
      if (e.type === 'vertex.started' && e.name.includes('RUN sleep')) setTimeout(() => controller.abort(), 300);
    });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(events.at(-1)).toMatchObject({ type: 'build.error', code: 'CANCELLED' });
  }, 60_000);
});
