// Personal access tokens for the registry (`lab login -u <username>` with a token instead of
// the password). The token is `lab_pat_` + 32 random bytes (base64url), shown once; the
// database keeps only its sha256, like sessions.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db.ts';

export const TOKEN_PREFIX = 'lab_pat_';
export const MAX_TOKENS_PER_USER = 50;

export function hashAccessToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export type TokenRow = { id: string; name: string; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null; revokedAt: Date | null };

/** Creates a token and returns its secret (the only time it exists in clear). */
export async function createAccessToken(
  db: Db,
  userId: string,
  name: string,
  opts: { expiresAt?: Date | null } = {},
): Promise<{ token: string; row: TokenRow }> {
  const live = await db.accessToken.count({ where: { userId, revokedAt: null } });
  if (live >= MAX_TOKENS_PER_USER) throw new Error(`You have ${live} tokens: revoke one before creating another.`);
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const row = await db.accessToken.create({
    data: { userId, name, tokenHash: hashAccessToken(token), expiresAt: opts.expiresAt ?? null },
    select: { id: true, name: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
  });
  return { token, row };
}

export function listAccessTokens(db: Db, userId: string): Promise<TokenRow[]> {
  return db.accessToken.findMany({
    where: { userId },
    orderBy: { createdAt: 'desc' },
    select: { id: true, name: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
  });
}

/** Revokes one of the user's own tokens; false when it is not theirs or already revoked. */
export async function revokeAccessToken(db: Db, userId: string, tokenId: string, now = new Date()): Promise<boolean> {
  const r = await db.accessToken.updateMany({ where: { id: tokenId, userId, revokedAt: null }, data: { revokedAt: now } });
  return r.count === 1;
}
