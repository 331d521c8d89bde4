// Test helpers: our registry and the CNCF registry (Debian docker-registry) on free loopback
// ports, and tiny OCI images made with tar-stream. Not used by production code.
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { OciLayoutStore } from '../content-store/oci-layout-store.ts';
import { createImageStore, type LayoutImageStore } from '../image/layout-image-store.ts';
import { MediaTypes, type Image, type LayerRef } from '../image/image.ts';
import { startRegistryServer, type RunningRegistry } from './serve.ts';
import type { AuthOptions } from './registry.ts';

export const hasCncfRegistry = hasTool('docker-registry');
export const hasSkopeo = hasTool('skopeo');

export function hasTool(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** bin/lab.mjs, spawned as a student's shell would run it (no imports of lib/cli). */
export const LAB_BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../bin/lab.mjs');

/** Runs the lab CLI with `env`, `input` on stdin (or an empty stdin); resolves on exit. */
export async function runLab(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number; out: string; err: string }> {
  const p = execFile('node', [LAB_BIN, ...args], { env });
  p.stdin?.end(input);
  let out = '';
  let err = '';
  p.stdout?.on('data', (d) => (out += d));
  p.stderr?.on('data', (d) => (err += d));
  const code = await new Promise<number>((r) => p.on('close', (c) => r(c ?? -1)));
  return { code, out, err };
}

export async function tempDir(prefix = 'lab-registry-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export interface TestTarget {
  kind: 'ours' | 'cncf';
  host: string;
  url: string;
  close(): Promise<void>;
}

export async function startOurs(opts: { auth?: AuthOptions; maxManifestBytes?: number; maxBlobBytes?: number } = {}): Promise<RunningRegistry & { kind: 'ours'; root: string; content: OciLayoutStore }> {
  const root = await tempDir();
  const content = new OciLayoutStore(path.join(root, 'store'));
  const reg = await startRegistryServer({ root: path.join(root, 'registry'), content, ...opts });
  return {
    ...reg,
    kind: 'ours',
    root,
    content,
    close: async () => {
      await reg.close();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The CNCF distribution registry 2.8 with a temp config and storage dir, deletes enabled. */
export async function startCncf(opts: { extraConfig?: string[] } = {}): Promise<TestTarget & { kind: 'cncf' }> {
  const dir = await tempDir('lab-cncf-');
  const port = await freePort();
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ...(opts.extraConfig ?? []),
    '',
  ].join('\n');
  await fs.writeFile(path.join(dir, 'config.yml'), config);
  const child: ChildProcess = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/v2/`);
      if (r.status === 200 || r.status === 401) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not start: ${stderr.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    kind: 'cncf',
    host: `127.0.0.1:${port}`,
    url,
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A gzip layer tar with the given files ({path: content}); deterministic (mtime 0). */
export async function makeLayer(files: Record<string, string | Buffer>): Promise<{ tar: Buffer; gz: Buffer; diffId: string; digest: string }> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  for (const [name, content] of Object.entries(files).sort()) {
    await new Promise<void>((resolve, reject) => pack.entry({ name, mode: 0o644, mtime: new Date(0) }, content, (err) => (err ? reject(err) : resolve())));
  }
  pack.finalize();
  await done;
  const raw = Buffer.concat(chunks);
  const gz = gzipSync(raw);
  return { tar: raw, gz, diffId: sha256(raw), digest: sha256(gz) };
}

/** Stores an image of the given layers in a local store and tags it. */
export async function makeImage(images: LayoutImageStore, layers: Record<string, string | Buffer>[], tag: string): Promise<Image> {
  const refs: LayerRef[] = [];
  for (const files of layers) {
    const l = await makeLayer(files);
    const info = await images.content.put(l.gz);
    refs.push({ descriptor: { mediaType: MediaTypes.ociLayerGzip, digest: info.digest, size: info.size }, diffId: l.diffId, uncompressedSize: l.tar.length });
  }
  const config = {
    architecture: 'amd64',
    os: 'linux',
    created: '2026-01-01T00:00:00Z',
    config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers' as const, diff_ids: refs.map((r) => r.diffId) },
    history: refs.map((_, i) => ({ created_by: `COPY layer${i} /` })),
  };
  return images.putImage({ config, layers: refs, tags: [tag] });
}

/** A local content store + image store in a temp dir (a student's $LAB_ROOT). */
export async function localStores(): Promise<{ root: string; content: OciLayoutStore; images: LayoutImageStore; close(): Promise<void> }> {
  const root = await tempDir('lab-local-');
  const content = new OciLayoutStore(path.join(root, 'store'));
  const images = createImageStore(content);
  return { root, content, images, close: () => fs.rm(root, { recursive: true, force: true }) };
}

export const randomName = (prefix = 'test') => `${prefix}/r${randomBytes(4).toString('hex')}`;
