// Scale-out proof: the CNCF registry (docker-registry 2.8) behind OUR token service. The token
// service signs RS256 tokens; the CNCF registry verifies them with a certificate of that key
// (auth.token.rootcertbundle) and enforces the same scopes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { hasCncfRegistry, hasTool, localStores, makeImage, startCncf, startOurs, tempDir, type TestTarget } from './testing.ts';
import { FileAuthenticator } from './auth/file-authenticator.ts';
import { ISSUER } from './auth/token-service.ts';
import { pullReference, pushReference } from './client/transfer.ts';

const run = promisify(execFile);
const can = hasCncfRegistry && hasTool('openssl');
if (!can) console.warn('scale-out: needs docker-registry and openssl; skipped');

describe.skipIf(!can)('CNCF registry behind the lab token service', () => {
  let dir: string;
  let tokens: Awaited<ReturnType<typeof startOurs>>;
  let cncf: TestTarget;
  beforeAll(async () => {
    dir = await tempDir();
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=lab-token-service']);
    const users = path.join(dir, 'users.json');
    await FileAuthenticator.addUser(users, { username: 'alice', role: 'student', password: 'pw-a' });
    await FileAuthenticator.addUser(users, { username: 'bob', role: 'student', password: 'pw-b' });
    tokens = await startOurs({ auth: { authenticator: new FileAuthenticator(users), secret: randomBytes(32), signingKeyPem: await fs.readFile(key, 'utf8') } });
    cncf = await startCncf({
      extraConfig: ['auth:', '  token:', `    realm: ${tokens.url}/v2/token`, '    service: lab-registry', `    issuer: ${ISSUER}`, `    rootcertbundle: ${cert}`],
    });
  });
  afterAll(async () => {
    await cncf?.close();
    await tokens?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('alice pushes and pulls her repository on the CNCF registry; bob is refused', async () => {
    const unauth = await fetch(`${cncf.url}/v2/`);
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('www-authenticate')).toContain(`realm="${tokens.url}/v2/token"`);

    const local = await localStores();
    const fresh = await localStores();
    try {
      const ref = `${cncf.host}/alice/scaled:1`;
      const img = await makeImage(local.images, [{ a: randomBytes(2000).toString('hex') }], ref);
      const pushed = await pushReference(ref, { images: local.images, credentials: { username: 'alice', password: 'pw-a' } });
      expect(pushed.digest).toBe(img.target.digest);
      const pulled = await pullReference(ref, { images: fresh.images, credentials: { username: 'alice', password: 'pw-a' } });
      expect(pulled.image.id).toBe(img.id);
      await expect(pullReference(ref, { images: fresh.images, credentials: { username: 'bob', password: 'pw-b' } })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await local.images.tag(ref, `${cncf.host}/alice/other:1`);
      await expect(pushReference(`${cncf.host}/alice/other:1`, { images: local.images, credentials: { username: 'bob', password: 'pw-b' } })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    } finally {
      await local.close();
      await fresh.close();
    }
  });
});
