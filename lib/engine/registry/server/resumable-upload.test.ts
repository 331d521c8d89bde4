// Upload sessions live on disk: a push interrupted by a registry restart resumes by upload id.
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { OciLayoutStore } from '../../content-store/oci-layout-store.ts';
import { startRegistryServer } from '../serve.ts';
import { sha256, tempDir } from '../testing.ts';

describe('resumable uploads', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('continues a chunked upload after the registry restarts, then verifies the whole blob', async () => {
    dir = await tempDir();
    const opts = { root: path.join(dir, 'registry'), content: new OciLayoutStore(path.join(dir, 'store')) };
    const data = randomBytes(5000);
    let reg = await startRegistryServer(opts);
    const loc = (await fetch(`${reg.url}/v2/a/b/blobs/uploads/`, { method: 'POST' })).headers.get('location')!;
    const first = await fetch(`${reg.url}${loc}`, { method: 'PATCH', body: new Uint8Array(data.subarray(0, 2000)), headers: { 'Content-Range': '0-1999' } });
    expect(first.status).toBe(202);
    await reg.close();

    reg = await startRegistryServer({ ...opts, content: new OciLayoutStore(path.join(dir, 'store')) });
    try {
      const status = await fetch(`${reg.url}${loc}`);
      expect(status.status).toBe(204);
      expect(status.headers.get('range')).toBe('0-1999');
      const rest = await fetch(`${reg.url}${loc}?digest=${sha256(data)}`, { method: 'PUT', body: new Uint8Array(data.subarray(2000)), headers: { 'Content-Range': '2000-4999' } });
      expect(rest.status).toBe(201);
      const got = Buffer.from(await (await fetch(`${reg.url}/v2/a/b/blobs/${sha256(data)}`)).arrayBuffer());
      expect(got.equals(data)).toBe(true);
      expect(await fs.readdir(path.join(dir, 'registry', 'uploads'))).toEqual([]); // session removed once complete
      expect((await fetch(`${reg.url}${loc}`)).status).toBe(404);
    } finally {
      await reg.close();
    }
  });

  it('a cancelled upload (DELETE) is gone and stores nothing', async () => {
    const d = await tempDir();
    const reg = await startRegistryServer({ root: path.join(d, 'registry'), content: new OciLayoutStore(path.join(d, 'store')) });
    try {
      const loc = (await fetch(`${reg.url}/v2/a/b/blobs/uploads/`, { method: 'POST' })).headers.get('location')!;
      await fetch(`${reg.url}${loc}`, { method: 'PATCH', body: new Uint8Array(100), headers: { 'Content-Range': '0-99' } });
      expect((await fetch(`${reg.url}${loc}`, { method: 'DELETE' })).status).toBe(204);
      expect((await fetch(`${reg.url}${loc}`)).status).toBe(404);
      expect(await fs.readdir(path.join(d, 'registry', 'uploads'))).toEqual([]);
      expect(await fs.readdir(path.join(d, 'store', 'blobs', 'sha256')).catch(() => [])).toEqual([]);
    } finally {
      await reg.close();
      await fs.rm(d, { recursive: true, force: true });
    }
  });
});
