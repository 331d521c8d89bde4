// The daemon over a real Unix socket in a temp LAB_ROOT, spoken to with plain HTTP requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { openEngine } from './engine.ts';
import { LocalEngineApi } from './local-api.ts';
import { replaceStaleSocket, startDaemon, type DaemonHandle } from './http-server.ts';
import { resolveSocketPath } from './socket-path.ts';

const isRoot = process.getuid?.() === 0;
const canBusybox = isRoot && fs.existsSync('/bin/busybox');
if (!canBusybox) console.warn('daemon image tests skipped: need root and busybox-static for the base image');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-daemon-'));
let daemon: DaemonHandle | undefined;
afterAll(async () => {
  await daemon?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function request(socketPath: string, method: string, p: string, body?: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path: p }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('socket path resolution', () => {
  it('uses LAB_HOST, else LAB_ROOT/lab.sock', () => {
    expect(resolveSocketPath({ LAB_ROOT: '/x/y' })).toBe('/x/y/lab.sock');
    expect(resolveSocketPath({ LAB_HOST: 'unix:///run/lab.sock' })).toBe('/run/lab.sock');
    expect(() => resolveSocketPath({ LAB_HOST: 'tcp://1.2.3.4:2375' })).toThrow(/unix:/);
  });
});

describe('stale socket handling', () => {
  it('replaces a socket nobody listens on and refuses a live one', async () => {
    const sock = path.join(tmp, 'stale.sock');
    // a bound-but-not-listening socket file: what a killed daemon leaves behind
    execFileSync('python3', ['-c', `import socket; s=socket.socket(socket.AF_UNIX); s.bind(${JSON.stringify(sock)})`]);
    expect(fs.statSync(sock).isSocket()).toBe(true);
    await replaceStaleSocket(sock);
    expect(fs.existsSync(sock)).toBe(false);

    const engine = await openEngine({ root: path.join(tmp, 'live'), withBuilder: false, ensureBaseImages: false });
    const h = await startDaemon(new LocalEngineApi(engine), sock);
    try {
      await expect(replaceStaleSocket(sock)).rejects.toThrow(/already listening/);
      await expect(startDaemon(new LocalEngineApi(engine), sock)).rejects.toThrow(/already listening/);
    } finally {
      await h.close();
    }
    expect(fs.existsSync(sock)).toBe(false);
  });
});

describe.skipIf(!canBusybox)('lab daemon over HTTP', () => {
  let sock: string;
  beforeAll(async () => {
    const root = path.join(tmp, 'root');
    const engine = await openEngine({ root, withBuilder: false });
    sock = path.join(root, 'lab.sock');
    daemon = await startDaemon(new LocalEngineApi(engine), sock);
  });

  it('answers /_ping and /version', async () => {
    const ping = await request(sock, 'GET', '/_ping');
    expect(ping.status).toBe(200);
    expect(ping.body.toString()).toBe('OK');
    const v = JSON.parse((await request(sock, 'GET', '/v1.47/version')).body.toString());
    expect(v.ApiVersion).toBe('1.47');
  });

  it('lists, inspects, tags and deletes images like the Engine API', async () => {
    const list = JSON.parse((await request(sock, 'GET', '/images/json')).body.toString());
    expect(list.map((i: { RepoTags: string[] }) => i.RepoTags).flat()).toContain('busybox:latest');
    const ins = JSON.parse((await request(sock, 'GET', '/images/busybox/json')).body.toString());
    expect(ins.RootFS.Layers).toHaveLength(1);
    expect(ins.Config.Cmd).toEqual(['sh']);
    expect((await request(sock, 'POST', `/images/busybox/tag?repo=${encodeURIComponent('me/box:v1')}`)).status).toBe(201);
    const hist = JSON.parse((await request(sock, 'GET', `/images/${encodeURIComponent('me/box:v1')}/history`)).body.toString());
    expect(hist[0].Id).toBe(ins.Id);
    expect(hist[1].Id).toBe('<missing>');
    const del = JSON.parse((await request(sock, 'DELETE', `/images/${encodeURIComponent('me/box:v1')}`)).body.toString());
    expect(del).toEqual([{ Untagged: 'me/box:v1' }]);
    const missing = await request(sock, 'GET', '/images/nope/json');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString())).toMatchObject({ code: 'NOT_FOUND', message: 'No such image: nope' });
  });

  it('streams a build error as NDJSON and keeps serving', async () => {
    const res = await request(sock, 'POST', '/build?t=x', Buffer.alloc(1024));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson');
    const events = res.body.toString().trim().split('\n').map((l) => JSON.parse(l));
    expect(events[events.length - 1].type).toBe('build.error');
    expect((await request(sock, 'GET', '/_ping')).status).toBe(200);
  });

  it('saves and loads archives through /images/get and /images/load', async () => {
    const tar = await request(sock, 'GET', '/images/get?names=busybox');
    expect(tar.status).toBe(200);
    expect(tar.headers['content-type']).toBe('application/x-tar');
    expect(tar.body.length).toBeGreaterThan(1_000_000);
    expect((await request(sock, 'GET', '/images/get?names=nope')).status).toBe(404);
    const loaded = JSON.parse((await request(sock, 'POST', '/images/load', tar.body)).body.toString());
    expect(loaded.messages).toEqual(['Loaded image: busybox:latest']);
  });

  it('reports df, check and prune', async () => {
    const df = JSON.parse((await request(sock, 'GET', '/system/df')).body.toString());
    expect(df.images.length).toBeGreaterThan(0);
    expect(df.layersSize).toBeGreaterThan(1_000_000);
    const check = JSON.parse((await request(sock, 'GET', '/system/check')).body.toString());
    expect(check).toMatchObject({ ok: true, corrupted: [], missing: [] });
    const prune = await request(sock, 'POST', '/build/prune?all=1');
    expect(prune.status).toBe(200);
    expect(JSON.parse(prune.body.toString())).toHaveProperty('reclaimedBytes');
  });

  it('404s unknown routes', async () => {
    expect((await request(sock, 'GET', '/containers/json')).status).toBe(404);
  });
});

describe.skipIf(!canBusybox)('lab system check', () => {
  it('finds a corrupted blob and a missing one, naming the image', async () => {
    const engine = await openEngine({ root: path.join(tmp, 'check'), withBuilder: false });
    const api = new LocalEngineApi(engine);
    expect((await api.check()).ok).toBe(true);
    const img = await engine.images.get('busybox');
    const layer = img.manifest.layers[0].digest;
    const file = engine.content.blobPath(layer);
    fs.chmodSync(file, 0o644);
    const bytes = fs.readFileSync(file);
    bytes[100] ^= 0xff;
    fs.writeFileSync(file, bytes);
    fs.rmSync(engine.content.blobPath(img.id));
    const r = await api.check();
    expect(r.ok).toBe(false);
    expect(r.corrupted).toEqual([layer]);
    expect(r.missing).toContain(img.id);
    expect(r.problems.join('\n')).toContain(`blob ${layer} does not match its digest`);
  });
});
