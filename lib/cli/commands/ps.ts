// lab ps [-a] [-q] [--no-trunc] — docker ps: CONTAINER ID IMAGE COMMAND CREATED STATUS PORTS NAMES.
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { ellipsis, tabwrite } from '../../engine/image/table.ts';
import { timeAgo } from '../../engine/image/human-units.ts';
import { containerClient } from './container.ts';

interface Summary { Id: string; Names: string[]; Image: string; Command: string; Created: number; Status: string }

const command: Command = {
  summary: 'list containers (docker ps)',
  async run(args) {
    const { values } = parseArgs({ args, options: { all: { type: 'boolean', short: 'a' }, quiet: { type: 'boolean', short: 'q' }, 'no-trunc': { type: 'boolean' } } });
    const client = await containerClient();
    const list = await client.json<Summary[]>({ path: `/containers/json${values.all ? '?all=1' : ''}` });
    const full = values['no-trunc'];
    const id = (c: Summary) => (full ? c.Id : c.Id.slice(0, 12));
    if (values.quiet) {
      process.stdout.write(list.map((c) => id(c) + '\n').join(''));
      return 0;
    }
    const rows = [['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']];
    for (const c of list) {
      const cmd = full ? c.Command : ellipsis(c.Command, 20);
      rows.push([id(c), c.Image, `"${cmd}"`, timeAgo(new Date(c.Created * 1000).toISOString()), c.Status, '', c.Names.map((n) => n.replace(/^\//, '')).join(',')]);
    }
    process.stdout.write(tabwrite(rows));
    return 0;
  },
};
export default command;
