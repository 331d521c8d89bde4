// The registry's Authenticator backed by the site's accounts (Prisma). `lab login` sends the
// username (User.username, see registry-username.ts) and either the account password (scrypt)
// or a personal access token made on /settings/tokens that is not revoked and not expired.
// Classes: the site has no class table yet, so every instructor teaches one class, "lab", and
// every student is in it — an instructor may pull any student's repositories. Change
// classesOf() and the principal's classes when classes exist.
import type { Authenticator, Principal } from '../engine/registry/registry.ts';
import type { Db } from '../db.ts';
import { dummyHash, verifyPassword } from '../auth/password.ts';
import { TOKEN_PREFIX, hashAccessToken } from './registry-tokens.ts';

export const DEFAULT_CLASS = 'lab';

export class PrismaAuthenticator implements Authenticator {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async verify(username: string, secret: string): Promise<Principal | undefined> {
    if (!username || username.length > 64 || !secret || secret.length > 300) return undefined;
    const user = await this.db.user.findUnique({ where: { username } });
    if (secret.startsWith(TOKEN_PREFIX)) {
      if (!user) return undefined;
      const tok = await this.db.accessToken.findUnique({ where: { tokenHash: hashAccessToken(secret) } });
      const now = this.now();
      if (!tok || tok.userId !== user.id || tok.revokedAt || (tok.expiresAt && tok.expiresAt <= now)) return undefined;
      await this.db.accessToken.update({ where: { id: tok.id }, data: { lastUsedAt: now } });
      return principalOf(user);
    }
    // Same cost for an unknown user as for a wrong password.
    const ok = await verifyPassword(secret, user?.passwordHash ?? (await dummyHash()));
    return user && ok ? principalOf(user) : undefined;
  }

  async classesOf(username: string): Promise<string[]> {
    const user = await this.db.user.findUnique({ where: { username }, select: { id: true } });
    return user ? [DEFAULT_CLASS] : [];
  }
}

function principalOf(user: { username: string | null; role: string }): Principal {
  const role = user.role === 'instructor' ? 'instructor' : 'student';
  return { username: user.username ?? '', role, classes: [DEFAULT_CLASS] };
}
