// The registry's Authenticator backed by the site's accounts (Prisma). `lab login` sends the
// username (User.username, see registry-username.ts) and either the account password (scrypt)
// or a personal access token made on /settings/tokens that is not revoked and not expired.
// Classes (lib/classroom): an instructor's principal carries the ids of the classes they teach,
// and classesOf(user) the classes the user is enrolled in, so an instructor pulls the
// repositories of their own classes' students and of nobody else.
import type { Authenticator, Principal } from '../engine/registry/registry.ts';
import type { Db } from '../db.ts';
import { dummyHash, verifyPassword } from '../auth/password.ts';
import { TOKEN_PREFIX, hashAccessToken } from './registry-tokens.ts';

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
      return principalOf(this.db, user);
    }
    // Same cost for an unknown user as for a wrong password.
    const ok = await verifyPassword(secret, user?.passwordHash ?? (await dummyHash()));
    return user && ok ? principalOf(this.db, user) : undefined;
  }

  /** The classes the user is enrolled in (as a student). */
  async classesOf(username: string): Promise<string[]> {
    if (!username || username.length > 64) return [];
    const rows = await this.db.enrollment.findMany({ where: { user: { username } }, select: { classId: true } });
    return rows.map((r) => r.classId);
  }
}

/** An instructor's classes are the ones they teach; a student's the ones they are in. */
async function principalOf(db: Db, user: { id: string; username: string | null; role: string }): Promise<Principal> {
  const role = user.role === 'instructor' ? 'instructor' : 'student';
  const rows =
    role === 'instructor'
      ? await db.classInstructor.findMany({ where: { userId: user.id }, select: { classId: true } })
      : await db.enrollment.findMany({ where: { userId: user.id }, select: { classId: true } });
  return { username: user.username ?? '', role, classes: rows.map((r) => r.classId) };
}
