// lab save / lab load against the real tools: skopeo and podman read what we save, and what
// buildah pushes to docker-archive: and oci-archive: loads here.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { OciLayoutStore } from '../content-store/oci-layout-store.ts';
import { BUSYBOX_REF, ensureBusybox } from '../base-images/busybox-image.ts';
import { createImageStore } from './layout-image-store.ts';
import { saveImages } from './docker-archive.ts';
import { loadArchive } from './load-archive.ts';
import { archivePath } from './archive-extract.ts';

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
};
const isRoot = process.getuid?.() === 0;
const canBusybox = isRoot && fs.existsSync('/bin/busybox');
const tools = { skopeo: has('skopeo'), podman: has('podman'), buildah: has('buildah'), umoci: has('umoci'), runc: has('runc') };
if (!canBusybox) console.warn('archive tests with busybox skipped: need root and busybox-static');
for (const [t, ok] of Object.entries(tools)) if (!ok) console.warn(`archive interop with ${t} skipped: apt-get install ${t}`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-archive-'));
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const store = (name: string) => createImageStore(new OciLayoutStore(path.join(tmp, name)));

async function saveToFile(images: ReturnType<typeof store>, refs: string[], file: string) {
  await saveImages(images, refs, fs.createWriteStream(file));
}

describe('archive entry names', () => {
  it('refuses names that leave the archive', () => {
    expect(archivePath('./a/b')).toBe('a/b');
    expect(() => archivePath('../x')).toThrow(/\.\./);
    expect(() => archivePath('/etc/passwd')).toThrow(/absolute/);
  });

  it('rejects a tar that is no image archive and leaves no temp dir', async () => {
    const pack = tar.pack();
    pack.entry({ name: 'hello.txt' }, 'hi');
    pack.finalize();
    const tmpDir = path.join(tmp, 'loadtmp');
    await expect(loadArchive(store('none'), pack as unknown as Readable, { tmpDir })).rejects.toThrow(/not an image archive/);
    expect(fs.readdirSync(tmpDir)).toEqual([]);
  });

  it('rejects hostile entries', async () => {
    const pack = tar.pack();
    pack.entry({ name: '../escape' }, 'x');
    pack.finalize();
    await expect(loadArchive(store('hostile'), pack as unknown as Readable, { tmpDir: path.join(tmp, 'loadtmp2') })).rejects.toThrow(/refusing/);
    expect(fs.existsSync(path.join(tmp, 'escape'))).toBe(false);
  });
});

describe.skipIf(!canBusybox)('lab save / lab load round trip', () => {
  it('saves busybox and loads it back with the same image ID and tag', async () => {
    const a = store('rt-a');
    const img = await ensureBusybox(a);
    await a.tag(BUSYBOX_REF, 'me/box:v1');
    const file = path.join(tmp, 'busybox.tar');
    await saveToFile(a, ['busybox', 'me/box:v1'], file);
    const b = store('rt-b');
    const res = await loadArchive(b, fs.createReadStream(file));
    expect(res.format).toBe('oci-archive');
    expect(res.messages).toEqual(['Loaded image: busybox:latest', 'Loaded image: me/box:v1']);
    const back = await b.get('busybox');
    expect(back.id).toBe(img.id);
    expect(back.size).toBe((await a.get(img.id)).size);
    expect(back.names).toEqual(['docker.io/library/busybox:latest', 'docker.io/me/box:v1']);

    // the docker-archive half alone (manifest.json without index.json) loads the same image
    const dir = path.join(tmp, 'unpacked');
    fs.mkdirSync(dir);
    execFileSync('tar', ['-xf', file, '-C', dir]);
    fs.rmSync(path.join(dir, 'index.json'));
    fs.rmSync(path.join(dir, 'oci-layout'));
    const legacy = path.join(tmp, 'legacy.tar');
    execFileSync('tar', ['-cf', legacy, '-C', dir, '.']);
    const c = store('rt-c');
    const res2 = await loadArchive(c, fs.createReadStream(legacy));
    expect(res2.format).toBe('docker-archive');
    expect((await c.get('me/box:v1')).id).toBe(img.id);

    // a tampered layer is refused and names nothing
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const layerFile = path.join(dir, manifest[0].Layers[0]);
    const bytes = fs.readFileSync(layerFile);
    bytes[600] ^= 0xff;
    fs.writeFileSync(layerFile, bytes);
    const bad = path.join(tmp, 'tampered.tar');
    execFileSync('tar', ['-cf', bad, '-C', dir, '.']);
    const d = store('rt-d');
    await expect(loadArchive(d, fs.createReadStream(bad))).rejects.toThrow(/hashes to sha256:[0-9a-f]+, but the image config expects/);
    expect(await d.list()).toEqual([]);
  });

  it.skipIf(!tools.skopeo)('skopeo reads the saved archive as docker-archive and oci-archive', async () => {
    const a = store('sk');
    const img = await ensureBusybox(a);
    const file = path.join(tmp, 'sk.tar');
    await saveToFile(a, ['busybox:latest'], file);
    const d = JSON.parse(execFileSync('skopeo', ['inspect', `docker-archive:${file}`]).toString());
    expect(d.Layers).toHaveLength(1);
    const cfg = JSON.parse(execFileSync('skopeo', ['inspect', '--config', `oci-archive:${file}:latest`]).toString().trim() || '{}');
    expect(cfg.config?.Cmd ?? cfg.Config?.Cmd).toEqual(['sh']);
    expect(d.Digest).toBeTruthy();
    void img;
  });

  it.skipIf(!tools.podman)('podman load accepts the saved archive', async () => {
    const a = store('pm');
    const img = await ensureBusybox(a);
    const file = path.join(tmp, 'pm.tar');
    await saveToFile(a, ['busybox'], file);
    const root = path.join(tmp, 'podman-root');
    const run = path.join(tmp, 'podman-run');
    const podman = (...args: string[]) =>
      execFileSync('podman', ['--root', root, '--runroot', run, '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    try {
      const out = podman('load', '-i', file);
      expect(out).toMatch(/busybox:latest/);
      const id = podman('images', '--no-trunc', '--format', '{{.ID}}', 'docker.io/library/busybox:latest').trim();
      expect(id.replace(/^sha256:/, '')).toBe(img.id.slice(7));
    } finally {
      try { podman('rmi', '-a', '-f'); } catch { /* best effort */ }
    }
  });
});

describe.skipIf(!canBusybox || !tools.umoci || !tools.runc)('a saved image runs', () => {
  it('unpacks with umoci and runs a command under runc', async () => {
    const a = store('umoci');
    await ensureBusybox(a);
    const file = path.join(tmp, 'umoci.tar');
    await saveToFile(a, ['busybox'], file);
    const layout = path.join(tmp, 'umoci-layout');
    const bundle = path.join(tmp, 'umoci-bundle');
    fs.mkdirSync(layout);
    execFileSync('tar', ['-xf', file, '-C', layout]);
    execFileSync('umoci', ['unpack', '--image', `${layout}:latest`, bundle], { stdio: 'pipe' });
    const cfgPath = path.join(bundle, 'config.json');
    const cfg = JSON.parse(fs.readFileSync(cfgPath, 'utf8'));
    cfg.process.terminal = false;
    cfg.process.args = ['/bin/sh', '-c', 'head -1 /etc/passwd; ls -ld /tmp'];
    fs.writeFileSync(cfgPath, JSON.stringify(cfg));
    const id = `lab-archive-test-${process.pid}`;
    try {
      const out = execFileSync('runc', ['run', '--bundle', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
      expect(out).toContain('root:x:0:0:root:/root:/bin/sh');
      expect(out).toMatch(/^drwxrwxrwt/m);
    } finally {
      try { execFileSync('runc', ['delete', '-f', id], { stdio: 'ignore' }); } catch { /* already gone */ }
    }
  });
});

describe.skipIf(!tools.buildah || !isRoot)('images built by buildah load with lab load', () => {
  it('loads docker-archive: and oci-archive: pushes', async () => {
    const work = path.join(tmp, 'buildah');
    const ctx = path.join(work, 'ctx');
    fs.mkdirSync(ctx, { recursive: true });
    fs.writeFileSync(path.join(ctx, 'hello.txt'), 'hello\n');
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\nENV A=1\nCMD ["/hello.txt"]\n');
    const b = (...args: string[]) =>
      execFileSync('buildah', ['--root', path.join(work, 'root'), '--runroot', path.join(work, 'run'), '--storage-driver', 'vfs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    b('bud', '--isolation', 'chroot', '--layers', '-t', 'test/hello:1', ctx);
    b('push', 'test/hello:1', `docker-archive:${work}/d.tar:test/hello:1`);
    b('push', 'test/hello:1', `oci-archive:${work}/o.tar:test/hello:1`);
    const viaDocker = store('bd');
    const r1 = await loadArchive(viaDocker, fs.createReadStream(`${work}/d.tar`));
    expect(r1.format).toBe('docker-archive');
    const i1 = await viaDocker.get('test/hello:1');
    expect(i1.config.config?.Cmd).toEqual(['/hello.txt']);
    expect(i1.config.config?.Env).toContain('A=1');
    const viaOci = store('bo');
    const r2 = await loadArchive(viaOci, fs.createReadStream(`${work}/o.tar`));
    expect(r2.format).toBe('oci-archive');
    const i2 = await viaOci.get('test/hello:1');
    expect(i2.id).toBe(i1.id);
    expect(i2.config.rootfs.diff_ids).toEqual(i1.config.rootfs.diff_ids);
    expect(i2.size).toBeGreaterThan(0);
  });
});
