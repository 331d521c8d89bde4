// lab inspect [-f FORMAT] IMAGE... — docker image inspect: a JSON array, or one line per image
// rendered with the Go-template subset ({{.RootFS.Layers}}, {{json .Config}}, range ...).
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { connectEngine } from '../daemon-client.ts';
import { GoTemplate } from '../../engine/image/go-template.ts';
import { isEngineError } from '../../engine/errors.ts';

const command: Command = {
  summary: 'show image details as JSON or through --format (docker inspect)',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { format: { type: 'string', short: 'f' }, type: { type: 'string' }, size: { type: 'boolean', short: 's' } },
    });
    if (!positionals.length) {
      process.stderr.write('"lab inspect" requires at least 1 argument.\nUsage: lab inspect [OPTIONS] IMAGE [IMAGE...]\n');
      return 1;
    }
    if (values.type && values.type !== 'image') {
      process.stderr.write(`lab inspect: only images exist here (--type=${values.type})\n`);
      return 1;
    }
    const tpl = values.format ? new GoTemplate(values.format) : undefined;
    const api = await connectEngine();
    const found: unknown[] = [];
    let status = 0;
    try {
      for (const name of positionals) {
        try {
          const data = await api.inspectImage(name);
          if (tpl) process.stdout.write(`${tpl.execute(data)}\n`);
          else found.push(data);
        } catch (err) {
          if (!isEngineError(err) || err.code !== 'NOT_FOUND') throw err;
          process.stderr.write(`Error: No such image: ${name}\n`);
          status = 1;
        }
      }
      if (!tpl) process.stdout.write(`${JSON.stringify(found, null, 4)}\n`);
      return status;
    } finally {
      await api.close();
    }
  },
};
export default command;
