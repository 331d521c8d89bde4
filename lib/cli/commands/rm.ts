// lab rm [-f] NAME|ID... — docker rm: removes containers (their upper dir too); -f kills a running one.
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { containerClient } from './container.ts';

const command: Command = {
  summary: 'remove containers (docker rm)',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { force: { type: 'boolean', short: 'f' } } });
    if (!positionals.length) {
      process.stderr.write('"lab rm" requires at least 1 argument: lab rm [-f] CONTAINER...\n');
      return 1;
    }
    const client = await containerClient();
    let failed = 0;
    for (const ref of positionals) {
      try {
        await client.json({ method: 'DELETE', path: `/containers/${encodeURIComponent(ref)}${values.force ? '?force=1' : ''}` });
        process.stdout.write(`${ref}\n`);
      } catch (err) {
        failed++;
        process.stderr.write(`Error: ${(err as Error).message}\n`);
      }
    }
    return failed ? 1 : 0;
  },
};
export default command;
