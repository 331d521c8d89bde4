// `lab login [-u USER] [-p PASS | --password-stdin] [--insecure] [SERVER]`: check credentials
// against the registry (token flow or basic auth) and store them in $LAB_CONFIG or
// ~/.lab/config.json (0600). The check goes through the daemon when one answers (inside the
// lab's sandboxed shell only the daemon has the network), as docker login asks dockerd.
import type { Command } from '../main.ts';
import { connectEngine } from '../daemon-client.ts';
import { configPath, saveCredentials } from '../../engine/registry/client/credentials.ts';

const USAGE = 'Usage: lab login [-u USERNAME] [-p PASSWORD | --password-stdin] [--insecure] [SERVER]';

async function readStdin(): Promise<string> {
  let s = '';
  for await (const c of process.stdin) s += String(c);
  return s.replace(/\r?\n$/, '');
}

const command: Command = {
  summary: 'log in to a registry',
  async run(args) {
    let username = process.env.LAB_USERNAME;
    let password: string | undefined;
    let fromStdin = false;
    let insecure = false;
    let server = 'docker.io';
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '-u' || a === '--username') username = args[++i];
      else if (a === '-p' || a === '--password') password = args[++i];
      else if (a === '--password-stdin') fromStdin = true;
      else if (a === '--insecure') insecure = true;
      else if (a.startsWith('-')) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
      } else server = a;
    }
    if (fromStdin) password = await readStdin();
    password ??= process.env.LAB_PASSWORD;
    if (!username || !password) {
      process.stderr.write(`lab login needs a username (-u) and a password (--password-stdin or -p)\n${USAGE}\n`);
      return 2;
    }
    if (password && !fromStdin && args.includes('-p')) process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    const host = server.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    const api = await connectEngine();
    try {
      await api.login(host, { username, password }, { insecure });
    } catch (err) {
      process.stderr.write(`Error response from daemon: ${(err as Error).message}\n`);
      return 1;
    } finally {
      await api.close();
    }
    await saveCredentials(host, { username, password });
    process.stdout.write(`Credentials saved in ${configPath()}\nLogin Succeeded\n`);
    return 0;
  },
};

export default command;
