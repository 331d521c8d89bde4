// lab system df [-v] | lab system check — disk usage like docker system df, and a full store
// verification (every blob re-hashed, every reference of every image present).
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { connectEngine } from '../daemon-client.ts';
import { renderDiskUsage } from '../../engine/image/disk-usage.ts';

const usage = 'Usage: lab system df [-v] | lab system check\n';

const command: Command = {
  summary: 'disk usage (system df [-v]) and store verification (system check)',
  async run(args) {
    const [sub, ...rest] = args;
    if (sub !== 'df' && sub !== 'check') {
      process.stderr.write(usage);
      return 1;
    }
    const { values } = parseArgs({ args: rest, options: { verbose: { type: 'boolean', short: 'v' }, format: { type: 'string' } } });
    const api = await connectEngine();
    try {
      if (sub === 'df') {
        const r = await api.diskUsage();
        if (values.format === 'json') process.stdout.write(`${JSON.stringify(r)}\n`);
        else process.stdout.write(renderDiskUsage(r, { verbose: values.verbose }));
        return 0;
      }
      const r = await api.check();
      for (const p of r.problems) process.stdout.write(`problem: ${p}\n`);
      process.stdout.write(`${r.ok ? 'OK' : 'FAILED'}: ${r.blobs} blobs verified, ${r.images} images checked, ${r.corrupted.length} corrupted, ${r.missing.length} missing\n`);
      return r.ok ? 0 : 1;
    } finally {
      await api.close();
    }
  },
};
export default command;
