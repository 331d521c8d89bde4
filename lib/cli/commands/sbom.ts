// lab sbom IMAGE [--format cyclonedx|spdx|table] [-o FILE] — the packages the image holds
// (dpkg, Python, npm, Go build info), as CycloneDX 1.5 or SPDX 2.3 JSON with purls, or a table.
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { analysisApi } from '../analysis-client.ts';
import { asciiTable } from '../../engine/vuln/report.ts';

const USAGE = `Usage:  lab sbom [OPTIONS] IMAGE

List the packages in an image as a software bill of materials

Options:
      --format FORMAT   cyclonedx (default, CycloneDX 1.5 JSON), spdx (SPDX 2.3 JSON) or table
  -o, --output FILE     write to FILE instead of standard output
`;

const command: Command = {
  summary: 'software bill of materials of an image (CycloneDX or SPDX JSON)',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length !== 1) {
      process.stderr.write(`"lab sbom" requires exactly 1 argument.\n\n${USAGE}`);
      return 1;
    }
    const format = values.format ?? 'cyclonedx';
    if (!['cyclonedx', 'spdx', 'table', 'spdx-json', 'cyclonedx-json'].includes(format)) {
      process.stderr.write(`unknown format "${format}": use cyclonedx, spdx or table\n`);
      return 1;
    }
    const api = await analysisApi();
    let text: string;
    if (format === 'table') {
      const { os, packages } = await api.packages(positionals[0]);
      text = `${os ? `${os.prettyName ?? os.id}\n` : ''}${asciiTable(['NAME', 'VERSION', 'TYPE', 'LAYER', 'FOUND IN'], packages.map((p) => [p.name, p.version, p.ecosystem, String(p.layer ?? ''), p.path ?? '']), { maxWidth: [40, 30, 7, 5, 60] })}\n${packages.length} packages\n`;
    } else {
      text = `${JSON.stringify(await api.sbom(positionals[0], format.startsWith('spdx') ? 'spdx' : 'cyclonedx'), null, 2)}\n`;
    }
    if (!values.output) {
      process.stdout.write(text);
      return 0;
    }
    // temp file + rename: a half-written SBOM never takes the name
    const tmp = path.join(path.dirname(values.output), `.${path.basename(values.output)}.${process.pid}.tmp`);
    await fs.writeFile(tmp, text);
    await fs.rename(tmp, values.output);
    return 0;
  },
};
export default command;
