// lab history [OPTIONS] IMAGE — docker history: IMAGE CREATED CREATED BY SIZE COMMENT, newest
// first; <missing> for rows that are not the top of a local image (BuildKit images).
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { connectEngine } from '../daemon-client.ts';
import { historyFormatFields, renderHistoryTable } from '../../engine/image/history.ts';
import { renderFormatted } from '../../engine/image/format-output.ts';

const command: Command = {
  summary: 'show the history of an image (docker history)',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        human: { type: 'string', short: 'H', default: 'true' },
        'no-trunc': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        format: { type: 'string' },
      },
    });
    if (positionals.length !== 1) {
      process.stderr.write('"lab history" requires exactly 1 argument.\nUsage: lab history [OPTIONS] IMAGE\n');
      return 1;
    }
    const api = await connectEngine();
    try {
      const rows = await api.history(positionals[0]);
      const opts = { noTrunc: values['no-trunc'], human: values.human !== 'false' };
      if (values.quiet) process.stdout.write(rows.map((r) => `${historyFormatFields(r, opts).ID}\n`).join(''));
      else if (values.format) process.stdout.write(renderFormatted(values.format, rows.map((r) => historyFormatFields(r, opts))));
      else process.stdout.write(renderHistoryTable(rows, opts));
      return 0;
    } finally {
      await api.close();
    }
  },
};
export default command;
