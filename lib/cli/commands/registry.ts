// `lab registry serve --listen ADDR --root DIR [--users FILE | --no-auth] [--secret-file F]`
// `lab registry adduser --users FILE [--role R] [--class C]... USERNAME` (password on stdin)
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from '../main.ts';
import { OciLayoutStore } from '../../engine/content-store/oci-layout-store.ts';
import { startRegistryServer } from '../../engine/registry/serve.ts';
import { FileAuthenticator } from '../../engine/registry/auth/file-authenticator.ts';
import type { Role } from '../../engine/registry/registry.ts';

const USAGE = [
  'Usage: lab registry serve --listen ADDR --root DIR (--users FILE | --no-auth) [--store DIR] [--secret-file FILE] [--signing-key RSA.pem] [--realm URL]',
  '       lab registry adduser --users FILE [--role student|instructor|admin] [--class ID]... USERNAME   (password on stdin)',
].join('\n');

function opts(args: string[]): { flags: Map<string, string[]>; positional: string[] } {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--no-auth') flags.set('no-auth', ['']);
    else if (a.startsWith('--')) {
      const [k, v] = a.includes('=') ? [a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a.slice(2), args[++i]];
      flags.set(k, [...(flags.get(k) ?? []), v]);
    } else positional.push(a);
  }
  return { flags, positional };
}

async function secretFrom(file: string): Promise<Buffer> {
  try {
    return Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'hex');
  } catch {
    const s = randomBytes(32);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, s.toString('hex'), { mode: 0o600 });
    return s;
  }
}

async function serve(flags: Map<string, string[]>): Promise<number> {
  const root = flags.get('root')?.[0];
  const users = flags.get('users')?.[0];
  const noAuth = flags.has('no-auth');
  if (!root || (!users && !noAuth)) {
    process.stderr.write(`${USAGE}\n(choose --users FILE for token auth, or --no-auth)\n`);
    return 2;
  }
  const content = new OciLayoutStore(flags.get('store')?.[0] ?? path.join(process.env.LAB_ROOT ?? './data/engine', 'store'));
  const auth = users
    ? {
        authenticator: new FileAuthenticator(users),
        secret: await secretFrom(flags.get('secret-file')?.[0] ?? path.join(root, 'token-secret')),
        realm: flags.get('realm')?.[0],
        // RS256 tokens that a CNCF registry can verify (auth.token.rootcertbundle = this key's certificate)
        signingKeyPem: flags.get('signing-key') ? await fs.readFile(flags.get('signing-key')![0], 'utf8') : undefined,
      }
    : undefined;
  const reg = await startRegistryServer({ root, content, auth, listen: flags.get('listen')?.[0] ?? '127.0.0.1:5000' });
  process.stdout.write(`registry listening on ${reg.url} (root ${path.resolve(root)}, store ${content.root}, ${auth ? `token auth, users from ${users}` : 'NO auth'})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      void reg.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

async function addUser(flags: Map<string, string[]>, positional: string[]): Promise<number> {
  const file = flags.get('users')?.[0];
  const username = positional[0];
  if (!file || !username) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let password = process.env.LAB_PASSWORD ?? '';
  if (!password) for await (const c of process.stdin) password += String(c);
  password = password.replace(/\r?\n$/, '');
  if (!password) {
    process.stderr.write('give the password on stdin (or in $LAB_PASSWORD)\n');
    return 2;
  }
  const role = (flags.get('role')?.[0] ?? 'student') as Role;
  await FileAuthenticator.addUser(file, { username, role, classes: flags.get('class') ?? [], password });
  process.stdout.write(`user ${username} (${role}) saved in ${file}\n`);
  return 0;
}

const command: Command = {
  summary: 'run the lab registry (serve) or manage its users (adduser)',
  async run(args) {
    const [sub, ...rest] = args;
    const { flags, positional } = opts(rest);
    if (sub === 'serve') return serve(flags);
    if (sub === 'adduser') return addUser(flags, positional);
    process.stderr.write(`${USAGE}\n`);
    return 2;
  },
};

export default command;
