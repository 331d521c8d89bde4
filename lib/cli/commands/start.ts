// lab start [-a] [-i] NAME|ID — docker start: runs a created or exited container again on its
// kept upper dir; -a relays its output and exits with its code, -i also sends stdin.
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { containerClient, daemonError } from './container.ts';
import { attachAndRun } from './run.ts';

const command: Command = {
  summary: 'start a created or stopped container again (docker start)',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { attach: { type: 'boolean', short: 'a' }, interactive: { type: 'boolean', short: 'i' } } });
    if (positionals.length !== 1) {
      process.stderr.write('"lab start" requires exactly 1 argument: lab start [-a] [-i] CONTAINER\n');
      return 1;
    }
    const client = await containerClient();
    const ref = encodeURIComponent(positionals[0]);
    let rec: { id: string; tty: boolean; openStdin: boolean };
    try {
      rec = await client.json({ path: `/containers/${ref}/json` });
    } catch (err) {
      process.stderr.write(`Error: ${(err as Error).message}\n`);
      return 1;
    }
    if (values.attach || values.interactive) return attachAndRun(client, rec.id, { tty: rec.tty, interactive: !!values.interactive && rec.openStdin });
    try {
      await client.json({ method: 'POST', path: `/containers/${rec.id}/start` });
    } catch (err) {
      return daemonError(err);
    }
    process.stdout.write(`${positionals[0]}\n`);
    return 0;
  },
};
export default command;
