// Sessions: the cookie carries 32 random bytes (base64url); the database stores only their
// sha256, so reading the Session table does not give anyone a usable cookie.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db.ts';

export const SESSION_COOKIE = 'lab_session';
export const SESSION_DAYS = 30;

export type SessionUser = { id: string; email: string; role: 'student' | 'instructor' };

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sessionIdFor(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(db: Db, userId: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
  await db.session.create({ data: { id: sessionIdFor(token), userId, expiresAt } });
  return { token, expiresAt };
}

/** The user behind a cookie token, or null when unknown or expired (expired rows are removed). */
export async function userForToken(db: Db, token: string | undefined, now = new Date()): Promise<SessionUser | null> {
  if (!token || token.length > 100) return null;
  const id = sessionIdFor(token);
  const s = await db.session.findUnique({ where: { id }, include: { user: true } });
  if (!s) return null;
  if (s.expiresAt <= now) {
    await db.session.deleteMany({ where: { id } });
    return null;
  }
  return { id: s.user.id, email: s.user.email, role: s.user.role === 'instructor' ? 'instructor' : 'student' };
}

export async function deleteSession(db: Db, token: string | undefined): Promise<void> {
  if (token) await db.session.deleteMany({ where: { id: sessionIdFor(token) } });
}
