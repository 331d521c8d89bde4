// lab diff NAME|ID — docker diff: what the container changed on top of its image, read from
// its OverlayFS upper dir: A added, C changed, D deleted (a whiteout).
import type { Command } from '../main.ts';
import { containerClient } from './container.ts';

const LETTER = ['C', 'A', 'D'];

const command: Command = {
  summary: "show a container's changes to its image's files (docker diff)",
  async run(args) {
    if (args.length !== 1 || args[0].startsWith('-')) {
      process.stderr.write('"lab diff" requires exactly 1 argument: lab diff CONTAINER\n');
      return 1;
    }
    const client = await containerClient();
    const changes = await client.json<{ Path: string; Kind: number }[]>({ path: `/containers/${encodeURIComponent(args[0])}/changes` });
    process.stdout.write(changes.map((c) => `${LETTER[c.Kind] ?? '?'} ${c.Path}\n`).join(''));
    return 0;
  },
};
export default command;
