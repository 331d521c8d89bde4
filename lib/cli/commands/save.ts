// lab save -o FILE IMAGE... — a docker-archive (manifest.json + OCI layout) that docker load,
// podman load and skopeo read. Without -o the tar goes to stdout (refused on a terminal).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { connectEngine } from '../daemon-client.ts';

const command: Command = {
  summary: 'save images to a tar archive (docker save)',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { output: { type: 'string', short: 'o' } } });
    if (!positionals.length) {
      process.stderr.write('"lab save" requires at least 1 argument.\nUsage: lab save [-o FILE] IMAGE [IMAGE...]\n');
      return 1;
    }
    if (!values.output && process.stdout.isTTY) {
      process.stderr.write('cowardly refusing to save to a terminal. Use the -o flag or redirect\n');
      return 1;
    }
    const api = await connectEngine();
    try {
      if (!values.output) {
        await api.save(positionals, process.stdout);
        return 0;
      }
      const dest = path.resolve(values.output);
      const tmp = `${dest}.${process.pid}.tmp`;
      try {
        await api.save(positionals, fs.createWriteStream(tmp, { mode: 0o644 }));
        fs.renameSync(tmp, dest);
      } finally {
        fs.rmSync(tmp, { force: true });
      }
      return 0;
    } finally {
      await api.close();
    }
  },
};
export default command;
