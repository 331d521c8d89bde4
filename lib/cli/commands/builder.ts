// lab builder prune [-a] [-f] — drop build cache records (all with -a, else those no image uses)
// and garbage-collect blobs and unpacked layers nothing references any more. Without -f it asks
// first, with docker's words (docker/cli cli/command/builder/prune.go); anything but y/yes is no.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { connectEngine } from '../daemon-client.ts';
import { humanSize } from '../../engine/image/human-units.ts';

/** One line from stdin ('' at end of input), as docker's prompt reads it. */
async function readLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}

const command: Command = {
  summary: 'remove build cache and unreferenced blobs (builder prune)',
  async run(args) {
    const [sub, ...rest] = args;
    if (sub !== 'prune') {
      process.stderr.write('Usage: lab builder prune [-a] [-f]\n');
      return 1;
    }
    const { values } = parseArgs({ args: rest, options: { all: { type: 'boolean', short: 'a' }, force: { type: 'boolean', short: 'f' } } });
    if (!values.force) {
      const warning = values.all ? 'WARNING! This will remove all build cache.' : 'WARNING! This will remove all dangling build cache.';
      process.stdout.write(`${warning} Are you sure you want to continue? [y/N] `);
      if (!/^y(es)?$/i.test((await readLine()).trim())) return 0;
    }
    const api = await connectEngine();
    try {
      const r = await api.prune({ all: values.all });
      if (r.blobsRemoved.length) process.stdout.write(`Deleted build cache objects:\n${r.blobsRemoved.map((d) => `${d.slice(7, 32)}\n`).join('')}\n`);
      process.stdout.write(`Total reclaimed space: ${humanSize(r.reclaimedBytes)}\n`);
      return 0;
    } finally {
      await api.close();
    }
  },
};
export default command;
