// Accounts: sign-up, sign-in and roles. Inputs are validated with the zod schemas in
// schemas.ts before they reach these functions.
import type { Db } from '../db.ts';
import { dummyHash, hashPassword, verifyPassword } from './password.ts';
import { freeUsername } from './registry-username.ts';

export type Role = 'student' | 'instructor';

export class AuthError extends Error {
  constructor(
    readonly code: 'EMAIL_TAKEN' | 'BAD_CREDENTIALS' | 'USER_NOT_FOUND',
    message: string,
  ) {
    super(message);
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Emails listed in LAB_INSTRUCTOR_EMAILS (comma separated) sign up as instructors. */
export function instructorEmails(env: Record<string, string | undefined> = process.env): Set<string> {
  return new Set((env.LAB_INSTRUCTOR_EMAILS ?? '').split(',').map(normalizeEmail).filter(Boolean));
}

export async function createUser(db: Db, email: string, password: string, role?: Role) {
  const e = normalizeEmail(email);
  const r: Role = role ?? (instructorEmails().has(e) ? 'instructor' : 'student');
  const passwordHash = await hashPassword(password);
  // The registry username (registry-username.ts) is derived here; a clash with a concurrent
  // sign-up for the same username is retried, a clash on the email is reported.
  for (let attempt = 0; ; attempt++) {
    try {
      const username = await freeUsername(db, e);
      return await db.user.create({ data: { email: e, username, passwordHash, role: r } });
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') {
        const exists = await db.user.findUnique({ where: { email: e }, select: { id: true } });
        if (exists) throw new AuthError('EMAIL_TAKEN', 'An account with this email already exists. Sign in instead.');
        if (attempt < 3) continue;
      }
      throw err;
    }
  }
}

export async function authenticate(db: Db, email: string, password: string) {
  const user = await db.user.findUnique({ where: { email: normalizeEmail(email) } });
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok) throw new AuthError('BAD_CREDENTIALS', 'Wrong email or password.');
  return user;
}

export async function setRole(db: Db, email: string, role: Role) {
  const e = normalizeEmail(email);
  const found = await db.user.findUnique({ where: { email: e } });
  if (!found) throw new AuthError('USER_NOT_FOUND', `No account with email ${e}.`);
  return db.user.update({ where: { email: e }, data: { role } });
}
