// The Prisma-backed registry authenticator, tokens and usernames, on every database backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDb } from './test-db.ts';
import { createUser } from '../auth/users.ts';
import { PrismaAuthenticator } from './registry-auth.ts';
import { createAccessToken, listAccessTokens, revokeAccessToken } from './registry-tokens.ts';
import { deriveUsername, ensureUsername } from '../auth/registry-username.ts';
import { allowedActions } from '../engine/registry/auth/access-policy.ts';
import { createClass } from '../classroom/classes.ts';
import { joinClass } from '../classroom/enrollment.ts';

describe('deriveUsername', () => {
  it('keeps the part before @, lower-cased, in the registry grammar', () => {
    expect(deriveUsername('Ada.Lovelace+lab@Example.com')).toBe('ada-lovelace-lab');
    expect(deriveUsername('__@x.org')).toBe('user');
    expect(deriveUsername(`${'a'.repeat(40)}@x.org`)).toHaveLength(30);
  });
});

describe.each(backends)('registry authenticator on $name', ({ make }) => {
  let t: TestDb;
  let auth: PrismaAuthenticator;
  let now = new Date('2026-11-27T00:00:00Z');
  beforeAll(async () => {
    t = await make();
    auth = new PrismaAuthenticator(t.db, () => now);
  }, 60_000);
  afterAll(async () => t?.cleanup());

  it('assigns unique usernames at sign-up, skipping reserved names', async () => {
    const a = await createUser(t.db, 'alice@one.example', 'password-1');
    const b = await createUser(t.db, 'alice@two.example', 'password-2');
    const lib = await createUser(t.db, 'library@x.example', 'password-3');
    expect(a.username).toBe('alice');
    expect(b.username).toBe('alice2');
    expect(lib.username).toBe('library2');
  });

  it('assigns a username to an account that has none', async () => {
    const u = await t.db.user.create({ data: { email: 'old.user@x.example', passwordHash: 'x' } });
    expect(await ensureUsername(t.db, u.id)).toBe('old-user');
    expect(await ensureUsername(t.db, u.id)).toBe('old-user');
  });

  it('accepts the password of that user only', async () => {
    const p = await auth.verify('alice', 'password-1');
    expect(p).toEqual({ username: 'alice', role: 'student', classes: [] });
    expect(await auth.verify('alice', 'password-2')).toBeUndefined();
    expect(await auth.verify('alice2', 'password-1')).toBeUndefined();
    expect(await auth.verify('nobody', 'password-1')).toBeUndefined();
  });

  it('accepts a live token of that user, records its use, refuses it for another user', async () => {
    const alice = await t.db.user.findUniqueOrThrow({ where: { username: 'alice' } });
    const { token, row } = await createAccessToken(t.db, alice.id, 'laptop');
    expect(token).toMatch(/^lab_pat_[A-Za-z0-9_-]{43}$/);
    expect(await t.db.accessToken.findFirst({ where: { tokenHash: token } })).toBeNull(); // only the hash is stored
    expect((await auth.verify('alice', token))?.username).toBe('alice');
    const [listed] = await listAccessTokens(t.db, alice.id);
    expect(listed.id).toBe(row.id);
    expect(listed.lastUsedAt?.getTime()).toBe(now.getTime());
    expect(await auth.verify('alice2', token)).toBeUndefined();
    expect(await auth.verify('alice', token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
  });

  it('refuses a revoked token; only its owner can revoke it', async () => {
    const alice = await t.db.user.findUniqueOrThrow({ where: { username: 'alice' } });
    const bob = await t.db.user.findUniqueOrThrow({ where: { username: 'alice2' } });
    const { token, row } = await createAccessToken(t.db, alice.id, 'ci');
    expect(await revokeAccessToken(t.db, bob.id, row.id)).toBe(false);
    expect(await auth.verify('alice', token)).toBeDefined();
    expect(await revokeAccessToken(t.db, alice.id, row.id)).toBe(true);
    expect(await revokeAccessToken(t.db, alice.id, row.id)).toBe(false);
    expect(await auth.verify('alice', token)).toBeUndefined();
    expect(await auth.verify('alice', 'password-1')).toBeDefined(); // the password still works
  });

  it('refuses an expired token', async () => {
    const alice = await t.db.user.findUniqueOrThrow({ where: { username: 'alice' } });
    const { token } = await createAccessToken(t.db, alice.id, 'short', { expiresAt: new Date(now.getTime() + 60_000) });
    expect(await auth.verify('alice', token)).toBeDefined();
    now = new Date(now.getTime() + 60_000);
    expect(await auth.verify('alice', token)).toBeUndefined();
  });

  it('lets an instructor pull the repositories of their own classes\' students only', async () => {
    const profUser = await createUser(t.db, 'prof@x.example', 'password-9', 'instructor');
    await createUser(t.db, 'other@x.example', 'password-8', 'instructor');
    const alice = await t.db.user.findUniqueOrThrow({ where: { username: 'alice' } });
    const cls = await createClass(t.db, { id: profUser.id, role: 'instructor' }, 'Registry class');
    await joinClass(t.db, { id: alice.id, role: 'student' }, cls.joinCode!);
    const prof = await auth.verify('prof', 'password-9');
    const other = await auth.verify('other', 'password-8');
    const alice2 = await auth.verify('alice2', 'password-2');
    expect(prof).toEqual({ username: 'prof', role: 'instructor', classes: [cls.id] });
    expect(other?.classes).toEqual([]);
    expect(await auth.classesOf('alice')).toEqual([cls.id]);
    expect(await auth.classesOf('alice2')).toEqual([]);
    expect(await auth.classesOf('ghost')).toEqual([]);
    expect(await allowedActions(prof!, 'alice/app', ['pull', 'push'], auth)).toEqual(['pull']);
    expect(await allowedActions(prof!, 'alice2/app', ['pull'], auth)).toEqual([]);
    expect(await allowedActions(other!, 'alice/app', ['pull'], auth)).toEqual([]);
    expect(await allowedActions(alice2!, 'alice/app', ['pull', 'push'], auth)).toEqual([]);
    expect(await allowedActions(alice2!, 'alice2/app', ['pull', 'push'], auth)).toEqual(['pull', 'push']);
    // a student of the class does not pull a classmate's repositories
    await joinClass(t.db, { id: (await t.db.user.findUniqueOrThrow({ where: { username: 'alice2' } })).id, role: 'student' }, cls.joinCode!);
    expect(await allowedActions((await auth.verify('alice2', 'password-2'))!, 'alice/app', ['pull'], auth)).toEqual([]);
  });
});
