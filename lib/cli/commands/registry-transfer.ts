// The shared shape of `lab push` and `lab pull`: one reference, an optional --insecure (plain
// http for that registry host), progress lines to stdout. Through the daemon when one answers
// (inside the lab's sandboxed shell only the daemon has the network), else on $LAB_ROOT directly.
// The caller's stored login for the registry host travels with the request (X-Registry-Auth).
import type { Command } from '../main.ts';
import { connectEngine } from '../daemon-client.ts';
import { parseReference } from '../../engine/image/reference.ts';
import { loadCredentials } from '../../engine/registry/client/credentials.ts';

export function transferCommand(summary: string, usage: string, verb: 'push' | 'pull'): Command {
  return {
    summary,
    async run(args) {
      const insecure = args.includes('--insecure');
      const rest = args.filter((a) => a !== '--insecure');
      if (rest.length !== 1 || rest[0].startsWith('-')) {
        process.stderr.write(`${usage}\n`);
        return 2;
      }
      const host = parseReference(rest[0]).domain;
      const credentials = await loadCredentials(host);
      const api = await connectEngine();
      try {
        await api[verb](rest[0], { insecure, credentials }, (l) => process.stdout.write(`${l}\n`));
        return 0;
      } finally {
        await api.close();
      }
    },
  };
}
