// lab load [-i FILE] — import a docker-archive (docker/podman save, buildah push docker-archive:)
// or an OCI archive (oci-archive:); gzip-compressed archives too. Reads stdin without -i.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { connectEngine } from '../daemon-client.ts';

const command: Command = {
  summary: 'load images from a tar archive (docker load)',
  async run(args) {
    const { values } = parseArgs({ args, options: { input: { type: 'string', short: 'i' }, quiet: { type: 'boolean', short: 'q' } } });
    if (!values.input && process.stdin.isTTY) {
      process.stderr.write('requested load from stdin, but stdin is empty; use -i FILE\n');
      return 1;
    }
    if (values.input && !fs.existsSync(values.input)) {
      process.stderr.write(`open ${values.input}: no such file or directory\n`);
      return 1;
    }
    const api = await connectEngine();
    try {
      const res = await api.load(values.input ? fs.createReadStream(values.input) : process.stdin);
      if (!values.quiet) process.stdout.write(res.messages.map((m) => `${m}\n`).join(''));
      return 0;
    } finally {
      await api.close();
    }
  },
};
export default command;
