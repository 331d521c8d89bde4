// An Authenticator over a JSON users file, for `lab registry serve`:
//   {"users":[{"username":"alice","role":"student","classes":["c1"],"password":"scrypt$<salt>$<hash>",
//              "tokens":["scrypt$<salt>$<hash>"]}]}
// Passwords and personal access tokens are stored only as scrypt hashes.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Authenticator, Principal, Role } from '../registry.ts';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number) => Promise<Buffer>;

export interface UserRecord {
  username: string;
  role: Role;
  classes?: string[];
  password: string;
  tokens?: string[];
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function checkSecret(secret: string, stored: string): Promise<boolean> {
  const [kind, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const want = Buffer.from(hash, 'base64');
  const got = await scrypt(secret, Buffer.from(salt, 'base64'), want.length);
  return got.length === want.length && timingSafeEqual(got, want);
}

export class FileAuthenticator implements Authenticator {
  constructor(readonly file: string) {}

  private async users(): Promise<UserRecord[]> {
    const doc = JSON.parse(await fs.readFile(this.file, 'utf8')) as { users?: UserRecord[] };
    return doc.users ?? [];
  }

  async verify(username: string, secret: string): Promise<Principal | undefined> {
    const u = (await this.users()).find((x) => x.username === username);
    if (!u) return undefined;
    for (const stored of [u.password, ...(u.tokens ?? [])]) {
      if (stored && (await checkSecret(secret, stored))) return { username: u.username, role: u.role, classes: u.classes ?? [] };
    }
    return undefined;
  }

  async classesOf(username: string): Promise<string[]> {
    return (await this.users()).find((x) => x.username === username)?.classes ?? [];
  }

  /** Adds or replaces a user (used by `lab registry adduser`). */
  static async addUser(file: string, user: Omit<UserRecord, 'password'> & { password: string }): Promise<void> {
    let doc: { users: UserRecord[] } = { users: [] };
    try {
      doc = JSON.parse(await fs.readFile(file, 'utf8'));
    } catch {
      /* new file */
    }
    const record: UserRecord = { ...user, password: await hashSecret(user.password) };
    doc.users = [...(doc.users ?? []).filter((u) => u.username !== user.username), record];
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(doc, null, 2), { mode: 0o600 });
    await fs.rename(tmp, file);
  }
}
