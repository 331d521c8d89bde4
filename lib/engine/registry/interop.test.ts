// Interop with real tools: skopeo copies an image from an OCI layout into our registry (token
// auth) and back out unchanged; skopeo inspect reads our manifests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { hasSkopeo, localStores, makeImage, startOurs, tempDir } from './testing.ts';
import { FileAuthenticator } from './auth/file-authenticator.ts';

const run = promisify(execFile);
if (!hasSkopeo) console.warn('interop: skopeo (Debian package skopeo) not installed; skipped');

describe.skipIf(!hasSkopeo)('skopeo interop', () => {
  let reg: Awaited<ReturnType<typeof startOurs>>;
  let dir: string;
  let local: Awaited<ReturnType<typeof localStores>>;
  beforeAll(async () => {
    dir = await tempDir();
    const users = path.join(dir, 'users.json');
    await FileAuthenticator.addUser(users, { username: 'alice', role: 'student', password: 'pw-alice' });
    reg = await startOurs({ auth: { authenticator: new FileAuthenticator(users), secret: randomBytes(32) } });
    local = await localStores();
  });
  afterAll(async () => {
    await reg?.close();
    await local?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const skopeo = async (...args: string[]) => (await run('skopeo', args, { maxBuffer: 16 << 20 })).stdout;

  it('copies an OCI layout image into our registry and back out with equal digests', async () => {
    const img = await makeImage(local.images, [{ 'etc/a': randomBytes(3000).toString('hex') }, { 'app/b': 'b' }], 'interop-src:one');
    const dest = `docker://${reg.host}/alice/interop:one`;
    await skopeo('copy', '--dest-tls-verify=false', '--dest-creds', 'alice:pw-alice', `oci:${local.content.root}:one`, dest);

    const raw = await skopeo('inspect', '--raw', '--tls-verify=false', '--creds', 'alice:pw-alice', dest);
    expect(Buffer.from(raw).equals(await local.content.get(img.target.digest))).toBe(true);
    const info = JSON.parse(await skopeo('inspect', '--tls-verify=false', '--creds', 'alice:pw-alice', dest)) as { Digest: string; Layers: string[]; Architecture: string };
    expect(info.Digest).toBe(img.target.digest);
    expect(info.Layers).toEqual(img.manifest.layers.map((l) => l.digest));
    expect(info.Architecture).toBe('amd64');

    const out = path.join(dir, 'out');
    await skopeo('copy', '--src-tls-verify=false', '--src-creds', 'alice:pw-alice', dest, `oci:${out}:back`);
    const index = JSON.parse(await fs.readFile(path.join(out, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    expect(index.manifests[0].digest).toBe(img.target.digest);
    for (const l of img.manifest.layers) {
      const bytes = await fs.readFile(path.join(out, 'blobs', 'sha256', l.digest.slice(7)));
      expect(bytes.equals(await local.content.get(l.digest))).toBe(true);
    }
  });

  it('skopeo is refused with wrong credentials and without push rights', async () => {
    const img = await makeImage(local.images, [{ x: 'y' }], 'interop-src:two');
    await expect(skopeo('copy', '--dest-tls-verify=false', '--dest-creds', 'alice:wrong', `oci:${local.content.root}:two`, `docker://${reg.host}/alice/x:1`)).rejects.toThrow();
    await expect(skopeo('copy', '--dest-tls-verify=false', '--dest-creds', 'alice:pw-alice', `oci:${local.content.root}:two`, `docker://${reg.host}/bob/x:1`)).rejects.toThrow(/denied|unauthorized|403/i);
    expect(await reg.content.has(img.manifest.layers[0].digest)).toBe(false);
  });
});
