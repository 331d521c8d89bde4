// The shared shape of `lab push` and `lab pull`: one reference, an optional --insecure (plain
// http for that registry host), progress lines to stdout, the local engine state as the store.
import type { Command } from '../main.ts';
import { openEngine } from '../../engine/daemon/engine.ts';
import type { TransferOptions } from '../../engine/registry/client/transfer.ts';

type Transfer = (reference: string, o: TransferOptions) => Promise<unknown>;

export function transferCommand(summary: string, usage: string, transfer: Transfer): Command {
  return {
    summary,
    async run(args) {
      const insecure = args.includes('--insecure');
      const rest = args.filter((a) => a !== '--insecure');
      if (rest.length !== 1 || rest[0].startsWith('-')) {
        process.stderr.write(`${usage}\n`);
        return 2;
      }
      const engine = await openEngine({ root: process.env.LAB_ROOT ?? './data/engine', withBuilder: false, ensureBaseImages: false });
      const host = rest[0].split('/')[0];
      await transfer(rest[0], {
        images: engine.images,
        insecureHosts: insecure ? [host] : [],
        onLine: (l) => process.stdout.write(`${l}\n`),
      });
      return 0;
    },
  };
}
