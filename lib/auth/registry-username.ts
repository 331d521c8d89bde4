// Registry usernames: the namespace a student pushes under (`<username>/app:v1`).
// Rule: the email's part before '@', lower-cased, every run of characters outside [a-z0-9]
// turned into one '-', trimmed of '-' at both ends, cut to 30 characters (empty -> "user").
// "library" (the shared base images) and "v2" are reserved. On a clash a number is appended
// (alice, alice2, alice3...). Stored in User.username (unique), assigned at sign-up; accounts
// made before the column existed get one the first time the tokens page is opened.
import type { Db } from '../db.ts';

const RESERVED = new Set(['library', 'v2']);

export function deriveUsername(email: string): string {
  const local = email.trim().toLowerCase().split('@')[0] ?? '';
  const base = local
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30)
    .replace(/-+$/, '');
  return base || 'user';
}

/** First free username for this email ("alice", then "alice2", ...). */
export async function freeUsername(db: Db, email: string): Promise<string> {
  const base = deriveUsername(email);
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? base : `${base}${n}`;
    if (RESERVED.has(candidate)) continue;
    const taken = await db.user.findUnique({ where: { username: candidate }, select: { id: true } });
    if (!taken) return candidate;
  }
  throw new Error(`No free username for ${email}`);
}

/** The user's username, assigning one if the account has none yet (retries on a race). */
export async function ensureUsername(db: Db, userId: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { username: true, email: true } });
    if (user.username) return user.username;
    try {
      const username = await freeUsername(db, user.email);
      await db.user.update({ where: { id: userId }, data: { username } });
      return username;
    } catch (err) {
      if ((err as { code?: string }).code !== 'P2002') throw err;
    }
  }
  throw new Error('Could not assign a username: try again.');
}
