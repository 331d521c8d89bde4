// `lab user` — accounts from the command line on the lab's host (the way to make instructors).
// Not part of lib/cli: the CLI is also the students' sandboxed `docker`, which never reaches the
// database; bin/lab.mjs dispatches `lab user` here on the host.
//   lab user create [--instructor] EMAIL   password from $LAB_USER_PASSWORD or stdin
//   lab user promote EMAIL | lab user demote EMAIL | lab user list
// Uses the same database as the site (DATABASE_URL / LAB_DATA_DIR); run `npm run db:migrate` first.
import type { Command } from '../cli/main.ts';
import { db } from '../db.ts';
import { signUpSchema } from '../auth/schemas.ts';
import { AuthError, createUser, setRole } from '../auth/users.ts';

const USAGE = `Usage:
  lab user create [--instructor] EMAIL   (password from LAB_USER_PASSWORD, else first line of stdin)
  lab user promote EMAIL                 make an existing user an instructor
  lab user demote EMAIL                  make an instructor a student again
  lab user list                          list accounts and roles
`;

async function readPassword(): Promise<string> {
  if (process.env.LAB_USER_PASSWORD) return process.env.LAB_USER_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write('Password (at least 8 characters): ');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split('\n')[0].replace(/\r$/, '');
}

async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const out = (s: string) => process.stdout.write(s + '\n');
  const fail = (s: string) => (process.stderr.write(`lab user: ${s}\n`), 1);
  try {
    if (sub === 'create') {
      const instructor = rest.includes('--instructor');
      const email = rest.find((a) => !a.startsWith('--'));
      if (!email) return fail('give an email.\n' + USAGE);
      const parsed = signUpSchema.safeParse({ email, password: await readPassword() });
      if (!parsed.success) return fail(parsed.error.issues[0].message);
      const u = await createUser(db(), parsed.data.email, parsed.data.password, instructor ? 'instructor' : undefined);
      out(`created ${u.email} (${u.role})`);
      return 0;
    }
    if (sub === 'promote' || sub === 'demote') {
      if (!rest[0]) return fail('give an email.');
      const u = await setRole(db(), rest[0], sub === 'promote' ? 'instructor' : 'student');
      out(`${u.email} is now ${u.role}`);
      return 0;
    }
    if (sub === 'list') {
      for (const u of await db().user.findMany({ orderBy: { createdAt: 'asc' } })) {
        out(`${u.email}\t${u.role}\t${u.createdAt.toISOString()}`);
      }
      return 0;
    }
    process.stdout.write(USAGE);
    return sub ? 2 : 0;
  } catch (err) {
    if (err instanceof AuthError) return fail(err.message);
    throw err;
  } finally {
    await db().$disconnect();
  }
}

const command: Command = { summary: 'create accounts and instructors (create, promote, demote, list)', run };
export default command;
