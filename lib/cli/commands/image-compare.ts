// lab image compare A B — two images (or two builds of one tag, by image ID) side by side: the
// layer stacks by position (same diffID = the same layer; the shared base counted), then the files
// of the merged views (or of layer N of each, --layer) like docker diff: A added in B, D only in A,
// C changed (and what changed).
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { analysisApi } from '../analysis-client.ts';
import { humanSize } from '../../engine/image/human-units.ts';
import { parseScope } from '../../engine/image-index/analysis-query.ts';

const USAGE = `Usage:  lab image compare [OPTIONS] IMAGE_A IMAGE_B

Compare two images layer by layer and file by file

Options:
      --layer N|merged   compare layer N of each image instead of the merged views
      --path PATH        only files under PATH
      --limit N          files to list (default 200)
      --json             the comparison as JSON
`;

const MARK = { added: 'A', removed: 'D', changed: 'C' } as const;

const command: Command = {
  summary: 'compare two images layer by layer and file by file',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { layer: { type: 'string' }, path: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length !== 2) {
      process.stderr.write(`"lab image compare" requires exactly 2 arguments.\n\n${USAGE}`);
      return 1;
    }
    const [a, b] = positionals;
    const api = await analysisApi();
    const r = await api.compare(a, b, { scope: parseScope(values.layer), path: values.path, limit: values.limit ? Number(values.limit) : 200 });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      return 0;
    }
    const out = [`${a}  ${r.a}`, `${b}  ${r.b}`, '', `layers: ${r.sharedBaseLayers} shared from the base up`];
    for (const l of r.layers) {
      const side = (x?: { instruction?: string; contentSize: number }) => (x ? `${humanSize(x.contentSize).padStart(8)}  ${x.instruction ?? ''}` : '');
      out.push(`${String(l.index).padStart(3)}  ${l.status.padEnd(7)}  ${l.status === 'only-b' ? side(l.b) : side(l.a)}${l.status === 'changed' ? `\n${''.padStart(14)}→ ${side(l.b).trimStart()}` : ''}`);
    }
    out.push('', `files: ${r.counts.added} added, ${r.counts.removed} removed, ${r.counts.changed} changed; size ${r.sizeDelta >= 0 ? '+' : '-'}${humanSize(Math.abs(r.sizeDelta))}`);
    for (const f of r.files.items) out.push(`${MARK[f.status]} ${f.path}${f.what.length ? `  (${f.what.join(', ')})` : ''}`);
    if (r.files.next !== undefined) out.push(`… ${r.files.total - r.files.items.length} more (--limit, --path)`);
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  },
};
export default command;
