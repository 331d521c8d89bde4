// Hostile-input suite, area "limits", registry part: blob and manifest sizes on the real
// registry server. Distribution's answer for a size it will not take is 413 with the spec's
// error body {"errors":[{"code":"SIZE_INVALID",...}]}; for manifests the OCI distribution-spec
// ("Pushing Manifests") lets a registry refuse above its limit (at least 4 MiB) with 413, and
// distribution's registry/handlers/manifests.go caps the body at maxManifestBodySize = 4 MiB.
// Each refusal must be an answer, not a cut connection, and nothing may be stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { startOurs } from '../lib/engine/registry/testing.ts';

type Reg = Awaited<ReturnType<typeof startOurs>>;

/** Streams `total` bytes (1 MiB chunks) without Content-Length; resolves with the answer. */
function stream(reg: Reg, method: string, p: string, total: number, headers: Record<string, string> = {}): Promise<{ status: number; body: string; sent: number }> {
  const [host, port] = reg.host.split(':');
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = http.request({ host, port: Number(port), path: p, method, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(1 << 20, 0x7b);
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += fs.statSync(`${e.parentPath}/${e.name}`).size;
  }
  return n;
}

describe('limits: registry blob and manifest sizes', () => {
  let reg: Reg;
  const CAP = 8 << 20;
  beforeAll(async () => {
    reg = await startOurs({ maxBlobBytes: CAP });
  });
  afterAll(async () => reg?.close());

  const answered = async () => expect((await fetch(`${reg.url}/v2/`)).status).toBeLessThan(500);

  it('oversized monolithic blob push: 413 SIZE_INVALID with the error JSON, nothing stored', async () => {
    const digest = `sha256:${crypto.createHash('sha256').update('x').digest('hex')}`;
    const r = await stream(reg, 'POST', `/v2/big/blob/blobs/uploads/?digest=${digest}`, 64 << 20, { 'Content-Type': 'application/octet-stream' });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).errors[0].code).toBe('SIZE_INVALID');
    expect(JSON.parse(r.body).errors[0].message).toContain('LAB_MAX_BLOB_BYTES');
    expect(dirBytes(reg.root)).toBeLessThan(CAP + (4 << 20));
    await answered();
  });

  it('oversized chunked blob push (PATCH after PATCH): 413 once the session passes the cap', async () => {
    const start = await fetch(`${reg.url}/v2/big/chunks/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    const loc = new URL(start.headers.get('location')!, reg.url).pathname;
    const first = await stream(reg, 'PATCH', loc, 6 << 20);
    expect(first.status).toBe(202);
    const second = await stream(reg, 'PATCH', loc, 6 << 20);
    expect(second.status).toBe(413);
    expect(JSON.parse(second.body).errors[0].code).toBe('SIZE_INVALID');
    expect(dirBytes(reg.root)).toBeLessThan(CAP + (4 << 20));
    await answered();
  });

  it('a declared Content-Length over the cap is refused before reading the body', async () => {
    const digest = `sha256:${'0'.repeat(64)}`;
    const r = await stream(reg, 'POST', `/v2/big/decl/blobs/uploads/?digest=${digest}`, 16 << 20, { 'Content-Length': String(16 << 20) });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).errors[0].code).toBe('SIZE_INVALID');
  });

  it('a 10 MB manifest gets a 413 SIZE_INVALID answer (not a cut connection) and is not stored', async () => {
    const before = dirBytes(reg.root);
    const r = await stream(reg, 'PUT', '/v2/big/manifest/manifests/v1', 10 << 20, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).errors[0].code).toBe('SIZE_INVALID');
    expect(dirBytes(reg.root) - before).toBeLessThan(1 << 20);
    await answered();
  });
});
