// `lab pull NAME[:TAG|@DIGEST]`: download an image into the local store so FROM can use it.
import type { Command } from '../main.ts';
import { openEngine } from '../../engine/daemon/engine.ts';
import { pullReference } from '../../engine/registry/client/transfer.ts';

const USAGE = 'Usage: lab pull [--insecure] NAME[:TAG|@DIGEST]   (e.g. lab pull 127.0.0.1:5000/alice/app:v1)';

const command: Command = {
  summary: 'pull an image from a registry',
  async run(args) {
    const insecure = args.includes('--insecure');
    const rest = args.filter((a) => a !== '--insecure');
    if (rest.length !== 1 || rest[0].startsWith('-')) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    const engine = await openEngine({ root: process.env.LAB_ROOT ?? './data/engine', withBuilder: false, ensureBaseImages: false });
    const host = rest[0].split('/')[0];
    await pullReference(rest[0], {
      images: engine.images,
      insecureHosts: insecure ? [host] : [],
      onLine: (l) => process.stdout.write(`${l}\n`),
    });
    return 0;
  },
};

export default command;
