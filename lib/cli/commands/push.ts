// `lab push NAME[:TAG]`: upload a local image to the registry named in NAME (docker push).
import type { Command } from '../main.ts';
import { openEngine } from '../../engine/daemon/engine.ts';
import { pushReference } from '../../engine/registry/client/transfer.ts';

const USAGE = 'Usage: lab push [--insecure] NAME[:TAG]   (e.g. lab push 127.0.0.1:5000/alice/app:v1)';

const command: Command = {
  summary: 'push an image to a registry',
  async run(args) {
    const insecure = args.includes('--insecure');
    const rest = args.filter((a) => a !== '--insecure');
    if (rest.length !== 1 || rest[0].startsWith('-')) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    const engine = await openEngine({ root: process.env.LAB_ROOT ?? './data/engine', withBuilder: false, ensureBaseImages: false });
    const host = rest[0].split('/')[0];
    await pushReference(rest[0], {
      images: engine.images,
      insecureHosts: insecure ? [host] : [],
      onLine: (l) => process.stdout.write(`${l}\n`),
    });
    return 0;
  },
};

export default command;
