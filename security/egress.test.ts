// SSRF from a student's Dockerfile or `docker pull`, against the real namespaced daemon over its
// Unix socket. Everything the engine fetches for a student goes through lib/engine/egress: the
// host is resolved once, every address is checked (loopback, private, link-local...), the socket
// goes to the checked address, redirects and token realms are re-checked. Only loopback is
// contacted here: 127.0.0.1 / ::1 hold canary servers that must see no connection, 127.0.0.2
// and 127.0.0.3 stand for public servers (let through by LAB_EGRESS_ALLOW, as an operator would),
// and private/metadata addresses are refused before any packet. BuildKit's ADD keeps the
// behaviour of source/http (file name from the URL, mode 0600, Last-Modified as mtime).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { openEngine, type Engine } from '../lib/engine/daemon/engine.ts';
import { startNamespacedDaemon, type NamespacedDaemon } from '../lib/engine/daemon/namespaced-daemon.ts';
import { overlayUnavailableReason } from '../lib/engine/executor/testing/busybox-rootfs.ts';
import { startOurs } from '../lib/engine/registry/testing.ts';
import { contextTar, lines, request, type Reply } from './daemon-boundary-harness.ts';

const LIMIT = vi.hoisted(() => {
  const limit = 128 * 1024 * 1024; // read by lib/engine/limits.ts when it loads
  process.env.LAB_MAX_ADD_URL_BYTES = String(limit);
  return limit;
});

const cannotBuild = overlayUnavailableReason();
if (cannotBuild) console.warn(`egress security tests skipped: ${cannotBuild}`);

type Canary = { connections: number; requests: string[]; port: number; server: http.Server };
async function listen(host: string, handler: http.RequestListener, port = 0): Promise<Canary> {
  const c: Canary = { connections: 0, requests: [], port: 0, server: http.createServer((req, res) => (c.requests.push(req.url ?? ''), handler(req, res))) };
  c.server.on('connection', () => c.connections++);
  await new Promise<void>((resolve, reject) => {
    c.server.once('error', reject);
    c.server.listen(port, host, () => resolve());
  });
  c.port = (c.server.address() as AddressInfo).port;
  return c;
}
const SECRET = 'CANARY-egress-internal-only';

describe.skipIf(!!cannotBuild)('egress: builds and registry calls reach only public addresses', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-sec-egress-'));
  const canaryFile = path.join(tmp, 'canary', 'secret');
  let engine: Engine;
  let daemon: NamespacedDaemon;
  let sock: string;
  let canary: Canary; // 127.0.0.1: the web app, redis, a host-only admin port...
  let canary6: Canary | undefined; // ::1
  let pub: Canary; // 127.0.0.2, "public"
  let hostileRegistry: Canary; // 127.0.0.3, "public", names realms and redirects into loopback
  let lab: Awaited<ReturnType<typeof startOurs>>;
  let sent = 0; // bytes the "public" server wrote for /huge
  let manifestSent = 0;
  const savedAllow = process.env.LAB_EGRESS_ALLOW;

  const build = (dockerfile: string) =>
    contextTar([{ name: 'Dockerfile', body: dockerfile }]).then((body) => request(sock, 'POST', '/build', body, { 'Content-Type': 'application/x-tar' }));
  const transfer = (p: string, body?: unknown) => request(sock, 'POST', p, body ? Buffer.from(JSON.stringify(body)) : undefined, body ? { 'Content-Type': 'application/json' } : {});
  const last = (r: Reply) => lines(r.text).at(-1) as { type: string; code?: string; message?: string; range?: unknown };
  const expectUntouched = async () => {
    expect(canary.connections).toBe(0);
    expect(canary6?.connections ?? 0).toBe(0);
    expect(fs.readFileSync(canaryFile, 'utf8')).toBe(SECRET);
    expect((await request(sock, 'GET', '/_ping')).text).toBe('OK');
  };
  const expectRefusedAdd = async (url: string, why: RegExp) => {
    const r = await build(`FROM busybox\nADD ${url} /x\n`);
    const end = last(r);
    expect(end).toMatchObject({ type: 'build.error', code: 'INVALID_INPUT', range: expect.anything() });
    expect(end.message).toMatch(/^ADD .*: refused: /);
    expect(end.message).toMatch(why);
    expect(end.message).toMatch(/builds may only download from public addresses \(LAB_EGRESS_ALLOW to allow more\)/);
    expect(r.text).not.toContain(SECRET);
    expect(r.text).not.toContain(tmp);
    await expectUntouched();
  };

  beforeAll(async () => {
    fs.mkdirSync(path.dirname(canaryFile), { mode: 0o700 });
    fs.writeFileSync(canaryFile, SECRET, { mode: 0o600 });
    canary = await listen('127.0.0.1', (_q, res) => res.end(SECRET));
    canary6 = await listen('::1', (_q, res) => res.end(SECRET)).catch(() => undefined);
    pub = await listen('127.0.0.2', (req, res) => {
      if (req.url === '/tool.sh') return void res.writeHead(200, { 'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT' }).end('#!/bin/sh\necho tool\n');
      if (req.url === '/to-loopback') return void res.writeHead(302, { location: `http://127.0.0.1:${canary.port}/admin` }).end();
      if (req.url === '/to-metadata') return void res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (req.url?.startsWith('/part')) return void res.writeHead(200, { 'content-length': String(Math.floor(0.6 * LIMIT)) }).end(Buffer.alloc(Math.floor(0.6 * LIMIT), 0x62));
      if (req.url === '/declared-huge') return void res.writeHead(200, { 'content-length': String(4 * LIMIT) }).end('x');
      if (req.url === '/huge') {
        // chunked, no Content-Length: only counting while streaming can stop it
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(1024 * 1024, 0x61);
        const pump = () => {
          while (sent < 16 * LIMIT) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => res.destroyed || res.destroy());
        return pump();
      }
      res.writeHead(404).end();
    });
    hostileRegistry = await listen('127.0.0.3', (req, res) => {
      const realm = req.url?.startsWith('/v2/lab') ? `http://${lab.host}/v2/token` : `http://127.0.0.1:${canary.port}/token`;
      if (req.url?.startsWith('/v2/redirect/')) return void res.writeHead(307, { location: `http://127.0.0.1:${canary.port}/v2/` }).end();
      if (req.url?.startsWith('/v2/huge/app/manifests/')) {
        // an endless manifest: must be cut at LAB_MAX_MANIFEST_BYTES, not read into memory
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        const chunk = Buffer.alloc(256 * 1024, 0x20);
        const pump = () => {
          while (!res.destroyed && manifestSent < 1024 * 1024 * 1024) {
            manifestSent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="x"`, 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"login"}]}');
    });
    lab = await startOurs();
    process.env.LAB_EGRESS_ALLOW = '127.0.0.2/32,127.0.0.3/32'; // read each time a policy is made
    engine = await openEngine({ root: path.join(tmp, 'root') });
    daemon = await startNamespacedDaemon({ engine, socketDir: path.join(tmp, 'sockets'), labRegistry: [lab.host] });
    sock = await daemon.socketFor('mallory');
  }, 120_000);

  afterAll(async () => {
    if (savedAllow === undefined) delete process.env.LAB_EGRESS_ALLOW;
    else process.env.LAB_EGRESS_ALLOW = savedAllow;
    await daemon?.close();
    await lab?.close();
    for (const s of [canary, canary6, pub, hostileRegistry]) await new Promise((r) => (s ? s.server.close(r) : r(undefined)));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('control: ADD from an allowed server still works (file name, 0600, Last-Modified)', async () => {
    const r = await build(`FROM busybox\nADD http://127.0.0.2:${pub.port}/tool.sh /opt/\nRUN stat -c '%a %Y' /opt/tool.sh\n`);
    expect(last(r).type).toBe('build.done');
    expect(r.text).toContain('600 1445412480');
    await expectUntouched();
  }, 60_000);

  it('ADD http://127.0.0.1:<port> (the web app, host-only services) is refused', async () => {
    await expectRefusedAdd(`http://127.0.0.1:${canary.port}/admin`, /127\.0\.0\.1 is a loopback address/);
  }, 60_000);

  it('ADD http://[::1]:<port> is refused', async () => {
    await expectRefusedAdd(`http://[::1]:${canary6?.port ?? 80}/admin`, /::1 is a loopback address/);
  }, 60_000);

  it('ADD of the cloud metadata address 169.254.169.254 is refused before any packet', async () => {
    await expectRefusedAdd('http://169.254.169.254/latest/meta-data/iam/', /169\.254\.169\.254 is a link-local address/);
  }, 60_000);

  it('ADD of private addresses (10.x, 172.16.x, 192.168.x, 100.64.x) is refused before any packet', async () => {
    for (const ip of ['10.0.0.1', '172.16.5.4', '192.168.1.1', '100.64.0.1']) await expectRefusedAdd(`http://${ip}:8080/x`, new RegExp(`${ip.replace(/\./g, '\\.')} is a (private|carrier-grade)`));
  }, 60_000);

  it('ADD of loopback spelled as a decimal, hex, octal or short IPv4 literal is refused', async () => {
    for (const host of ['2130706433', '0x7f.1', '0177.0.0.1', '127.1', '0x7f000001']) await expectRefusedAdd(`http://${host}:${canary.port}/x`, /127\.0\.0\.1 is a loopback address/);
  }, 60_000);

  it('ADD http://[::ffff:127.0.0.1] (IPv4-mapped IPv6) is refused', async () => {
    await expectRefusedAdd(`http://[::ffff:127.0.0.1]:${canary.port}/x`, /is a loopback address/);
  }, 60_000);

  it('ADD of a DNS name that resolves to loopback (localhost) is refused', async () => {
    await expectRefusedAdd(`http://localhost:${canary.port}/x`, /localhost \((127\.0\.0\.1|::1)\) is a loopback address/);
  }, 60_000);

  it('ADD from an allowed server that redirects to loopback or metadata is refused at the redirect', async () => {
    await expectRefusedAdd(`http://127.0.0.2:${pub.port}/to-loopback`, /127\.0\.0\.1 is a loopback address/);
    await expectRefusedAdd(`http://127.0.0.2:${pub.port}/to-metadata`, /169\.254\.169\.254 is a link-local/);
    expect(canary.requests).toEqual([]);
  }, 60_000);

  it('ADD of a non-http scheme is not fetched', async () => {
    const r = await build(`FROM busybox\nADD file://${canaryFile} /x\n`);
    expect(last(r).type).toBe('build.error');
    expect(r.text).not.toContain(SECRET);
    await expectUntouched();
  }, 60_000);

  it('oversize ADD is streamed to disk and refused at LAB_MAX_ADD_URL_BYTES; memory does not grow with it', async () => {
    await build(`FROM busybox\nADD http://127.0.0.2:${pub.port}/tool.sh /opt/\n`); // warm up: modules, busybox, caches
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const r = await build(`FROM busybox\nADD http://127.0.0.2:${pub.port}/huge /big\n`).finally(() => clearInterval(sample));
    const end = last(r);
    expect(end).toMatchObject({ type: 'build.error', code: 'RESOURCE_LIMIT' });
    expect(end.message).toMatch(/ADD .*\/huge: the download is too large \(limit 128 MiB, LAB_MAX_ADD_URL_BYTES\)/);
    expect(sent).toBeLessThan(16 * LIMIT); // stopped early, not read to the end
    expect(peak - rss0).toBeLessThan(LIMIT / 2); // a buffered download would add >= 128 MiB (measured here: ~28 MB)
    expect(fs.readdirSync(engine.tmpDir).filter((n) => n.startsWith('add-'))).toEqual([]); // partial file removed
    await expectUntouched();
  }, 120_000);

  it('several URLs in one ADD share one LAB_MAX_ADD_URL_BYTES budget on disk', async () => {
    const r = await build(`FROM busybox\nADD http://127.0.0.2:${pub.port}/part1 http://127.0.0.2:${pub.port}/part2 /d/\n`);
    expect(last(r)).toMatchObject({ type: 'build.error', code: 'RESOURCE_LIMIT', message: expect.stringMatching(/part2: the step's downloads are too large together \(limit 128 MiB, LAB_MAX_ADD_URL_BYTES\)/) });
    expect(fs.readdirSync(engine.tmpDir).filter((n) => n.startsWith('add-'))).toEqual([]); // the first one removed too
    await expectUntouched();
  }, 60_000);

  it('an ADD whose Content-Length is over the limit is refused before reading the body', async () => {
    const r = await build(`FROM busybox\nADD http://127.0.0.2:${pub.port}/declared-huge /big\n`);
    expect(last(r)).toMatchObject({ type: 'build.error', code: 'RESOURCE_LIMIT', message: expect.stringMatching(/LAB_MAX_ADD_URL_BYTES/) });
    await expectUntouched();
  }, 60_000);

  it('docker pull from a loopback registry that is not the lab\'s own is refused', async () => {
    const r = await transfer(`/images/create?fromImage=${encodeURIComponent(`127.0.0.1:${canary.port}/alice/app`)}&tag=v1`);
    const end = lines(r.text).at(-1);
    expect(end).toMatchObject({ code: 'INVALID_INPUT', error: expect.stringMatching(/refused: 127\.0\.0\.1 is a loopback address; the lab talks only to public registries and its own/) });
    const login = await transfer('/auth', { username: 'a', password: 'b', serveraddress: `127.0.0.1:${canary.port}` });
    expect(login.status).toBe(400);
    expect(login.text).toMatch(/loopback address/);
    await expectUntouched();
  }, 60_000);

  it('a registry\'s token realm pointing at a loopback canary is refused', async () => {
    const r = await transfer(`/images/create?fromImage=${encodeURIComponent(`127.0.0.3:${hostileRegistry.port}/alice/app`)}&tag=v1`);
    expect(lines(r.text).at(-1)).toMatchObject({ error: expect.stringMatching(/registry 127\.0\.0\.3:\d+: refused: 127\.0\.0\.1 is a loopback address/) });
    expect(hostileRegistry.requests.length).toBeGreaterThan(0); // it did reach the "public" registry
    await expectUntouched();
  }, 60_000);

  it('another registry cannot aim its realm or a redirect at the lab registry\'s port', async () => {
    const realm = await transfer(`/images/create?fromImage=${encodeURIComponent(`127.0.0.3:${hostileRegistry.port}/lab/app`)}&tag=v1`);
    expect(lines(realm.text).at(-1)).toMatchObject({ error: expect.stringMatching(new RegExp(`127\\.0\\.0\\.1 is a loopback address`)) });
    const redirect = await transfer(`/images/create?fromImage=${encodeURIComponent(`127.0.0.3:${hostileRegistry.port}/redirect/app`)}&tag=v1`);
    expect(lines(redirect.text).at(-1)).toMatchObject({ error: expect.stringMatching(/loopback address/) });
    await expectUntouched();
  }, 60_000);

  it('a hostile registry\'s endless manifest is cut at LAB_MAX_MANIFEST_BYTES', async () => {
    const r = await transfer(`/images/create?fromImage=${encodeURIComponent(`127.0.0.3:${hostileRegistry.port}/huge/app`)}&tag=v1`);
    expect(lines(r.text).at(-1)).toMatchObject({ code: 'RESOURCE_LIMIT', error: expect.stringMatching(/manifest .* is too large \(limit 4 MiB, LAB_MAX_MANIFEST_BYTES\)/) });
    expect(manifestSent).toBeLessThan(64 * 1024 * 1024);
    await expectUntouched();
  }, 60_000);

  it('control: the lab\'s own registry stays reachable (login through the daemon)', async () => {
    const r = await transfer('/auth?insecure=1', { username: 'alice', password: 'pw', serveraddress: lab.host });
    expect(r.status).toBe(200);
    await expectUntouched();
  }, 60_000);
});
