import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { OciLayoutStore } from '../content-store/oci-layout-store.ts';
import { addHistory, createdBy, newImageConfig } from './config-builder.ts';
import { createImageStore } from './layout-image-store.ts';
import { MediaTypes, type Image, type ImageConfig, type LayerRef } from './image.ts';
import { sha256Digest } from './manifest-builder.ts';
import { historyRows, renderHistoryTable } from './history.ts';
import { inspectImage } from './inspect.ts';
import { renderTemplate } from './go-template.ts';
import { renderImagesTable, imageSummary } from './image-list.ts';
import { renderDiskUsage, diskUsage } from './disk-usage.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-hist-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const images = createImageStore(new OciLayoutStore(path.join(tmp, 'store')));

async function layer(name: string, bytes: number): Promise<LayerRef> {
  const pack = tar.pack();
  pack.entry({ name, mtime: new Date(0), mode: 0o644 }, Buffer.alloc(bytes, 1));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  const info = await images.content.put(gzipSync(raw));
  return { descriptor: { mediaType: MediaTypes.ociLayerGzip, digest: info.digest, size: info.size }, diffId: sha256Digest(raw) };
}

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:10:00Z';

async function build(): Promise<{ base: Image; app: Image; cfg: ImageConfig }> {
  const l0 = await layer('bin/busybox', 1_000_000);
  const base = newImageConfig(undefined, { architecture: 'amd64', os: 'linux' });
  base.created = T0;
  addHistory(base, { created: T0, createdBy: createdBy.copy('ADD', [], ['rootfs.tar'], '/'), diffId: l0.diffId });
  addHistory(base, { created: T0, createdBy: createdBy.cmd(['sh']) });
  base.config!.Cmd = ['sh'];
  const baseImg = await images.putImage({ config: base, layers: [l0], tags: ['busybox'] });

  const l1 = await layer('app/requirements.txt', 1000);
  const l2 = await layer('app/main.py', 15_000);
  const cfg = newImageConfig(base);
  cfg.created = T1;
  addHistory(cfg, { created: T1, createdBy: createdBy.workdir('/app', false) });
  addHistory(cfg, { created: T1, createdBy: createdBy.copy('COPY', [], ['requirements.txt'], '.'), diffId: l1.diffId });
  addHistory(cfg, { created: T1, createdBy: createdBy.run(['/bin/sh', '-c', 'pip install --no-cache-dir -r requirements.txt && echo a very long command line'], [['VERSION', '1']]), diffId: l2.diffId });
  addHistory(cfg, { created: T1, createdBy: createdBy.expose(['8000']) });
  addHistory(cfg, { created: T1, createdBy: createdBy.cmd(['uvicorn', 'app:app', '--host', '0.0.0.0']) });
  cfg.config = { ...cfg.config, WorkingDir: '/app', ExposedPorts: { '8000/tcp': {} }, Cmd: ['uvicorn', 'app:app', '--host', '0.0.0.0'], Labels: { b: '2', a: '1' } };
  const app = await images.putImage({ config: cfg, layers: [l0, l1, l2], tags: ['myapp:v1'] });
  return { base: baseImg, app, cfg };
}

describe('docker history and inspect', () => {
  it('renders history rows with <missing>, base image IDs and docker sizes', async () => {
    const { base, app } = await build();
    const rows = await historyRows(app, await images.list(), async (i) => (await images.layerUsage(app.manifest.layers[i])).contentSize);
    expect(rows.map((r) => r.Id)).toEqual([app.id, '<missing>', '<missing>', '<missing>', '<missing>', base.id, '<missing>']);
    expect(rows.map((r) => r.Size)).toEqual([0, 0, 15_000, 1000, 0, 0, 1_000_000]);
    expect(rows[0].CreatedBy).toBe('CMD ["uvicorn" "app:app" "--host" "0.0.0.0"]');
    expect(rows[1].CreatedBy).toBe('EXPOSE map[8000/tcp:{}]');
    expect(rows[2].CreatedBy).toBe('RUN |1 VERSION=1 /bin/sh -c pip install --no-cache-dir -r requirements.txt && echo a very long command line # buildkit');
    const table = renderHistoryTable(rows, { now: Date.parse(T1) + 5000 });
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^IMAGE\s{10}CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
    expect(lines[1]).toContain(app.id.slice(7, 19));
    expect(lines[1]).toContain('5 seconds ago');
    expect(lines[3]).toContain('RUN |1 VERSION=1 /bin/sh -c pip install --no…');
    expect(lines[3]).toContain('15kB');
    expect(lines[4]).toContain('1kB');
    expect(renderHistoryTable(rows, { noTrunc: true })).toContain(app.id);
  });

  it('builds docker inspect JSON that the lesson templates read', async () => {
    const app = await images.get('myapp:v1');
    const data = inspectImage(app);
    expect(Object.keys(data).slice(0, 6)).toEqual(['Id', 'RepoTags', 'RepoDigests', 'Parent', 'Comment', 'Created']);
    expect(data.RepoTags).toEqual(['myapp:v1']);
    expect(data.RepoDigests).toEqual([`myapp@${app.target.digest}`]);
    expect(data.Size).toBe(1_016_000);
    expect(renderTemplate('{{.RootFS.Layers}}', data)).toBe(`[${app.config.rootfs.diff_ids.join(' ')}]`);
    expect(renderTemplate('{{range .RootFS.Layers}}{{.}}{{"\\n"}}{{end}}', data)).toBe(app.config.rootfs.diff_ids.map((d) => `${d}\n`).join(''));
    expect(renderTemplate('{{json .Config}}', data)).toBe(
      '{"ExposedPorts":{"8000/tcp":{}},"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["uvicorn","app:app","--host","0.0.0.0"],"WorkingDir":"/app","Labels":{"a":"1","b":"2"}}',
    );
    expect(renderTemplate('{{.Config.Labels}} {{.Config.ExposedPorts}} {{.Id}}', data)).toBe(`map[a:1 b:2] map[8000/tcp:{}] ${app.id}`);
  });

  it('lists images and disk usage with shared layers counted once', async () => {
    const list = await images.list();
    const table = renderImagesTable(list.map(imageSummary), { now: Date.parse(T1) + 3_600_000 });
    expect(table.split('\n')[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(table).toMatch(/myapp\s+v1\s+[0-9a-f]{12}\s+About an hour ago\s+1.02MB/);
    const df = await diskUsage(images, []);
    expect(df.layersSize).toBe(1_016_000);
    const app = df.images.find((i) => i.names[0]?.endsWith('myapp:v1'))!;
    expect(app).toMatchObject({ size: 1_016_000, sharedSize: 1_000_000, uniqueSize: 16_000 });
    expect(renderDiskUsage(df)).toMatch(/Images\s+2\s+0\s+1.02MB/);
    expect(renderDiskUsage(df, { verbose: true })).toMatch(/myapp\s+v1\s+\S+\s+.+1.02MB\s+1MB\s+16kB\s+0/);
  });
});
