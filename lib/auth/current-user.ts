// Request-bound auth for pages, server actions and route handlers (Next only: uses cookies()).
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { db } from '../db.ts';
import { createSession, deleteSession, SESSION_COOKIE, userForToken, type SessionUser } from './sessions.ts';

/** The signed-in user, or null. Cached per request. */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return userForToken(db(), token);
});

/** The signed-in user; otherwise redirects to the sign-in page (and back here afterwards). */
export async function requireUser(returnTo?: string): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(returnTo ? `/signin?next=${encodeURIComponent(returnTo)}` : '/signin');
  return user;
}

async function isHttps(): Promise<boolean> {
  const h = await headers();
  return (h.get('x-forwarded-proto') ?? '').split(',')[0].trim() === 'https' || process.env.LAB_SECURE_COOKIES === '1';
}

export async function startSession(userId: string): Promise<void> {
  const { token, expiresAt } = await createSession(db(), userId);
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: await isHttps(),
    path: '/',
    expires: expiresAt,
  });
}

export async function endSession(): Promise<void> {
  const jar = await cookies();
  await deleteSession(db(), jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
}
