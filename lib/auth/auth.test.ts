import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.ts';
import { signInSchema, signUpSchema } from './schemas.ts';
import { sameOrigin } from './origin.ts';
import { createSession, deleteSession, sessionIdFor, userForToken } from './sessions.ts';
import { AuthError, authenticate, createUser, instructorEmails, setRole } from './users.ts';
import { backends, type TestDb } from '../site/test-db.ts';

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const h = await hashPassword('hunter2 but longer');
    expect(h.startsWith('scrypt$16384$8$1$')).toBe(true);
    expect(h).not.toContain('hunter2');
    expect(await verifyPassword('hunter2 but longer', h)).toBe(true);
    expect(await verifyPassword('hunter2 but longer!', h)).toBe(false);
  });
  it('salts every hash differently', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });
  it('rejects malformed stored hashes instead of throwing', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$1$2$3$4$5')).toBe(false);
  });
});

describe('input limits', () => {
  it('accepts a normal sign-up and reports the first problem otherwise', () => {
    expect(signUpSchema.safeParse({ email: ' Ada@Example.com ', password: '12345678' }).success).toBe(true);
    const short = signUpSchema.safeParse({ email: 'ada@example.com', password: 'short' });
    expect(short.success || short.error.issues[0].message).toMatch(/at least 8/);
    const long = signUpSchema.safeParse({ email: `${'a'.repeat(300)}@x.io`, password: '12345678' });
    expect(long.success || long.error.issues[0].message).toMatch(/too long/);
    expect(signInSchema.safeParse({ email: 'ada@example.com' }).success).toBe(false);
    expect(signInSchema.safeParse({ email: 'ada@example.com', password: 'x'.repeat(201) }).success).toBe(false);
  });
});

describe('same-origin check', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it('accepts the same host and refuses others or a missing origin', () => {
    expect(sameOrigin(h({ host: 'lab.test:3000', origin: 'http://lab.test:3000' }))).toBe(true);
    expect(sameOrigin(h({ host: 'lab.test:3000', referer: 'http://lab.test:3000/lesson' }))).toBe(true);
    expect(sameOrigin(h({ host: 'lab.test:3000', origin: 'http://evil.test' }))).toBe(false);
    expect(sameOrigin(h({ host: 'lab.test:3000' }))).toBe(false);
    expect(sameOrigin(h({ host: 'lab.test:3000', origin: 'null' }))).toBe(false);
  });
});

describe('instructor emails', () => {
  it('parses LAB_INSTRUCTOR_EMAILS case-insensitively', () => {
    const s = instructorEmails({ LAB_INSTRUCTOR_EMAILS: ' Prof@Uni.edu, ,ta@uni.edu' });
    expect([...s]).toEqual(['prof@uni.edu', 'ta@uni.edu']);
  });
});

describe.each(backends)('accounts and sessions on $name', ({ make }) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await make();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('signs up once per email, and signs in only with the right password', async () => {
    const u = await createUser(t.db, 'Grace@Example.com', 'a long password');
    expect(u.email).toBe('grace@example.com');
    expect(u.role).toBe('student');
    expect(u.passwordHash).not.toContain('a long password');
    await expect(createUser(t.db, 'grace@example.com', 'another one')).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
    expect(await t.db.user.count({ where: { email: 'grace@example.com' } })).toBe(1);
    expect((await authenticate(t.db, 'GRACE@example.com', 'a long password')).id).toBe(u.id);
    await expect(authenticate(t.db, 'grace@example.com', 'wrong')).rejects.toBeInstanceOf(AuthError);
    await expect(authenticate(t.db, 'nobody@example.com', 'wrong')).rejects.toMatchObject({ code: 'BAD_CREDENTIALS' });
  });

  it('stores only the hash of the session token; expiry and sign-out end it', async () => {
    const u = await createUser(t.db, 'linus@example.com', 'a long password');
    const now = new Date();
    const { token } = await createSession(t.db, u.id, now);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await t.db.session.findFirst({ where: { userId: u.id } });
    expect(row?.id).toBe(sessionIdFor(token));
    expect(row?.id).not.toBe(token);
    expect((await userForToken(t.db, token, now))?.email).toBe('linus@example.com');
    expect(await userForToken(t.db, token + 'x', now)).toBeNull();
    expect(await userForToken(t.db, token, new Date(now.getTime() + 31 * 86_400_000))).toBeNull();
    expect(await t.db.session.count({ where: { userId: u.id } })).toBe(0); // expired row removed
    const second = await createSession(t.db, u.id);
    await deleteSession(t.db, second.token);
    expect(await userForToken(t.db, second.token)).toBeNull();
  });

  it('promotes a user to instructor, and refuses unknown emails', async () => {
    await createUser(t.db, 'ta@example.com', 'a long password');
    expect((await setRole(t.db, 'TA@example.com', 'instructor')).role).toBe('instructor');
    await expect(setRole(t.db, 'ghost@example.com', 'instructor')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });
});
