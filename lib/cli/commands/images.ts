// lab images [OPTIONS] [REPOSITORY[:TAG]] — docker images: REPOSITORY TAG IMAGE ID CREATED SIZE.
// Talks to the daemon when it runs, else reads $LAB_ROOT directly.
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { connectEngine } from '../daemon-client.ts';
import { imageRows, renderImagesTable } from '../../engine/image/image-list.ts';
import { renderFormatted } from '../../engine/image/format-output.ts';
import { familiarString, parseReference } from '../../engine/image/reference.ts';

const command: Command = {
  summary: 'list images (docker images)',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        all: { type: 'boolean', short: 'a' },
        quiet: { type: 'boolean', short: 'q' },
        'no-trunc': { type: 'boolean' },
        digests: { type: 'boolean' },
        format: { type: 'string' },
      },
    });
    const api = await connectEngine();
    try {
      let list = await api.listImages();
      if (positionals[0]) {
        const want = positionals[0];
        const hasTag = want.includes(':') && want.lastIndexOf(':') > want.lastIndexOf('/');
        const repo = familiarString(parseReference(hasTag ? want : `${want}:latest`)).replace(/:[^:/]+$/, '');
        list = list
          .map((s) => ({ ...s, RepoTags: s.RepoTags.filter((t) => (hasTag ? t === familiarString(want) : t.startsWith(`${repo}:`))) }))
          .filter((s) => s.RepoTags.length);
      }
      const opts = { noTrunc: values['no-trunc'], digests: values.digests, quiet: values.quiet };
      if (values.format && !values.quiet) process.stdout.write(renderFormatted(values.format, imageRows(list, opts)));
      else process.stdout.write(renderImagesTable(list, opts));
      return 0;
    } finally {
      await api.close();
    }
  },
};
export default command;
