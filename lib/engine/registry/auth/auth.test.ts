// Token auth on our registry: challenges, the token endpoint, scopes per user and role,
// expired and forged tokens. Every refused push leaves nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { startOurs, tempDir, sha256, localStores, makeImage } from '../testing.ts';
import { FileAuthenticator } from './file-authenticator.ts';
import { signToken, verifyToken } from './jwt.ts';
import { parseScope } from './access-policy.ts';
import { pullReference, pushReference } from '../client/transfer.ts';

describe('token auth', () => {
  let reg: Awaited<ReturnType<typeof startOurs>>;
  let dir: string;
  const secret = randomBytes(32);
  const pw = (u: string) => `${u}-secret`;

  beforeAll(async () => {
    dir = await tempDir();
    const users = path.join(dir, 'users.json');
    await FileAuthenticator.addUser(users, { username: 'alice', role: 'student', classes: ['c1'], password: pw('alice') });
    await FileAuthenticator.addUser(users, { username: 'bob', role: 'student', classes: ['c1'], password: pw('bob') });
    await FileAuthenticator.addUser(users, { username: 'carol', role: 'instructor', classes: ['c1'], password: pw('carol') });
    await FileAuthenticator.addUser(users, { username: 'dan', role: 'instructor', classes: ['c2'], password: pw('dan') });
    await FileAuthenticator.addUser(users, { username: 'root', role: 'admin', password: pw('root') });
    reg = await startOurs({ auth: { authenticator: new FileAuthenticator(users), secret, tokenTtlSeconds: 120 } });
  });
  afterAll(async () => {
    await reg?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const basic = (u: string, p = pw(u)) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  async function token(user: string | undefined, ...scopes: string[]): Promise<{ token: string; access_token: string; expires_in: number; issued_at: string }> {
    const u = new URL(`${reg.url}/v2/token`);
    u.searchParams.set('service', 'lab-registry');
    for (const s of scopes) u.searchParams.append('scope', s);
    const r = await fetch(u, { headers: user ? { Authorization: basic(user) } : {} });
    expect(r.status).toBe(200);
    return (await r.json()) as never;
  }
  const claims = (t: string) => JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()) as { access: { name: string; actions: string[] }[]; exp: number; iat: number };

  it('answers 401 with a Bearer challenge naming realm, service and scope', async () => {
    const ping = await fetch(`${reg.url}/v2/`);
    expect(ping.status).toBe(401);
    expect(ping.headers.get('www-authenticate')).toBe(`Bearer realm="${reg.url}/v2/token",service="lab-registry"`);
    const push = await fetch(`${reg.url}/v2/alice/app/blobs/uploads/`, { method: 'POST' });
    expect(push.status).toBe(401);
    expect(push.headers.get('www-authenticate')).toContain('scope="repository:alice/app:pull,push"');
    expect(((await push.json()) as { errors: { code: string }[] }).errors[0].code).toBe('UNAUTHORIZED');
  });

  it('issues signed tokens with expiry and only the granted actions', async () => {
    const t = await token('alice', 'repository:alice/app:pull,push', 'repository:bob/app:pull,push', 'repository:library/busybox:pull,push');
    expect(t.token).toBe(t.access_token);
    expect(t.expires_in).toBe(120);
    expect(Date.parse(t.issued_at)).toBeGreaterThan(Date.now() - 60_000);
    const c = claims(t.token);
    expect(c.exp - c.iat).toBe(120);
    expect(c.access).toEqual([
      { type: 'repository', name: 'alice/app', actions: ['pull', 'push'] },
      { type: 'repository', name: 'bob/app', actions: [] },
      { type: 'repository', name: 'library/busybox', actions: ['pull'] },
    ]);
    expect(verifyToken(t.token, secret, 'lab-registry').ok).toBe(true);
    expect(verifyToken(t.token, randomBytes(32), 'lab-registry')).toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses wrong passwords at the token endpoint', async () => {
    const r = await fetch(`${reg.url}/v2/token?service=lab-registry`, { headers: { Authorization: basic('alice', 'nope') } });
    expect(r.status).toBe(401);
  });

  it('instructors pull their class repositories, not others; admins do everything', async () => {
    expect(claims((await token('carol', 'repository:alice/app:pull,push')).token).access[0].actions).toEqual(['pull']);
    expect(claims((await token('dan', 'repository:alice/app:pull')).token).access[0].actions).toEqual([]);
    expect(claims((await token('bob', 'repository:alice/app:pull')).token).access[0].actions).toEqual([]);
    expect(claims((await token('root', 'repository:library/busybox:pull,push')).token).access[0].actions).toEqual(['pull', 'push']);
    expect(claims((await token(undefined, 'repository:library/busybox:pull')).token).access[0].actions).toEqual([]);
  });

  it("a token for another user's namespace is DENIED and nothing is stored", async () => {
    const data = randomBytes(100);
    const t = await token('bob', 'repository:alice/app:pull,push');
    const r = await fetch(`${reg.url}/v2/alice/app/blobs/uploads/?digest=${sha256(data)}`, { method: 'POST', body: new Uint8Array(data), headers: { Authorization: `Bearer ${t.token}` } });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { errors: { code: string }[] }).errors[0].code).toBe('DENIED');
    expect(await reg.content.has(sha256(data))).toBe(false);
  });

  it('an expired token is UNAUTHORIZED (invalid_token) and nothing is stored', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = signToken({ iss: 'x', sub: 'alice', aud: 'lab-registry', iat: now - 600, nbf: now - 600, exp: now - 300, access: [{ type: 'repository', name: 'alice/app', actions: ['pull', 'push'] }] }, secret);
    const data = randomBytes(100);
    const r = await fetch(`${reg.url}/v2/alice/app/blobs/uploads/?digest=${sha256(data)}`, { method: 'POST', body: new Uint8Array(data), headers: { Authorization: `Bearer ${expired}` } });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await reg.content.has(sha256(data))).toBe(false);
  });

  it('a token lacking a scope the user could have asks for re-authentication (insufficient_scope)', async () => {
    const t = await token('alice', 'repository:alice/app:pull');
    const r = await fetch(`${reg.url}/v2/alice/app/blobs/uploads/`, { method: 'POST', headers: { Authorization: `Bearer ${t.token}` } });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('the client: alice pushes her repository, bob cannot pull it, carol (her instructor) can', async () => {
    const local = await localStores();
    try {
      const ref = `${reg.host}/alice/hello:1`;
      const img = await makeImage(local.images, [{ hello: 'world' }], ref);
      await pushReference(ref, { images: local.images, credentials: { username: 'alice', password: pw('alice') } });
      await expect(pullReference(ref, { images: local.images, credentials: { username: 'bob', password: pw('bob') } })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(pushReference(ref, { images: local.images, credentials: { username: 'bob', password: pw('bob') } })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(pushReference(ref, { images: local.images, credentials: { username: 'alice', password: 'wrong' } })).rejects.toThrow(/incorrect username or password/);
      const fresh = await localStores();
      try {
        const pulled = await pullReference(ref, { images: fresh.images, credentials: { username: 'carol', password: pw('carol') } });
        expect(pulled.image.id).toBe(img.id);
      } finally {
        await fresh.close();
      }
    } finally {
      await local.close();
    }
  });

  it('too many failed logins are answered 429 TOOMANYREQUESTS, even with the right password', async () => {
    const attempt = (p: string) => fetch(`${reg.url}/v2/token?service=lab-registry`, { headers: { Authorization: basic('dan', p) } });
    for (let i = 0; i < 10; i++) expect((await attempt('guess' + i)).status).toBe(401);
    const r = await attempt(pw('dan'));
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await r.json()) as { errors: { code: string }[] }).errors[0].code).toBe('TOOMANYREQUESTS');
  });

  it('parses scopes like docker', () => {
    expect(parseScope('repository:a/b:pull,push')).toEqual({ name: 'a/b', actions: ['pull', 'push'] });
    expect(parseScope('repository:a/b:*')).toEqual({ name: 'a/b', actions: ['pull', 'push', 'delete'] });
    expect(parseScope('registry:catalog:*')).toBeUndefined();
  });
});
