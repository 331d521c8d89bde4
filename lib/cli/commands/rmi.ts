// lab rmi [-f] IMAGE... — untag; the image is deleted when its last name goes. Blobs are freed
// by "lab builder prune" (garbage collection), which also drops unused build cache.
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { connectEngine } from '../daemon-client.ts';

const command: Command = {
  summary: 'remove one or more images (docker rmi)',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { force: { type: 'boolean', short: 'f' } } });
    if (!positionals.length) {
      process.stderr.write('"lab rmi" requires at least 1 argument.\nUsage: lab rmi [OPTIONS] IMAGE [IMAGE...]\n');
      return 1;
    }
    const api = await connectEngine();
    let status = 0;
    try {
      for (const name of positionals) {
        try {
          for (const e of await api.removeImage(name, { force: values.force })) {
            process.stdout.write('Untagged' in e ? `Untagged: ${e.Untagged}\n` : `Deleted: ${e.Deleted}\n`);
          }
        } catch (err) {
          process.stderr.write(`Error response from daemon: ${(err as Error).message}\n`);
          status = 1;
        }
      }
      return status;
    } finally {
      await api.close();
    }
  },
};
export default command;
