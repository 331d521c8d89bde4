// lab builder prune [-a] — drop build cache records (all with -a, else those no image uses)
// and garbage-collect blobs and unpacked layers nothing references any more.
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { connectEngine } from '../daemon-client.ts';
import { humanSize } from '../../engine/image/human-units.ts';

const command: Command = {
  summary: 'remove build cache and unreferenced blobs (builder prune)',
  async run(args) {
    const [sub, ...rest] = args;
    if (sub !== 'prune') {
      process.stderr.write('Usage: lab builder prune [-a] [-f]\n');
      return 1;
    }
    const { values } = parseArgs({ args: rest, options: { all: { type: 'boolean', short: 'a' }, force: { type: 'boolean', short: 'f' } } });
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
