// lab image efficiency IMAGE [--ci ...] — dive's analysis (efficiency, wasted bytes, the files
// written in one layer and replaced or deleted in a later one); with --ci, dive --ci's rules and
// exit code: 1 when a rule fails (thresholds as dive spells them, camelCase accepted too).
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { analysisApi } from '../analysis-client.ts';
import { analysisSection, evaluateCi, filesSection } from '../../engine/image-index/dive-ci.ts';

const USAGE = `Usage:  lab image efficiency [OPTIONS] IMAGE

Wasted space and efficiency of an image, computed as dive computes them

Options:
      --ci                                  evaluate the rules below and exit 1 when one fails (dive --ci)
      --lowest-efficiency RATIO             fail below this efficiency, 0-1 (default 0.9; "disabled" turns it off)
      --highest-wasted-bytes SIZE           fail above this many wasted bytes, e.g. 20MB (default disabled)
      --highest-user-wasted-percent RATIO   fail above this share of wasted bytes among the bytes
                                            the layers above the base add, 0-1 (default 0.1)
      --limit N                             inefficient files to list (default 20)
      --json                                the report as JSON
`;

const command: Command = {
  summary: 'wasted space and efficiency of an image, as dive computes them (--ci like dive --ci)',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ci: { type: 'boolean' },
        'lowest-efficiency': { type: 'string' }, lowestEfficiency: { type: 'string' },
        'highest-wasted-bytes': { type: 'string' }, highestWastedBytes: { type: 'string' },
        'highest-user-wasted-percent': { type: 'string' }, highestUserWastedPercent: { type: 'string' },
        limit: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length !== 1) {
      process.stderr.write(`"lab image efficiency" requires exactly 1 argument.\n\n${USAGE}`);
      return 1;
    }
    const api = await analysisApi();
    const limit = values.limit ? Number(values.limit) : 20;
    const report = await api.efficiency(positionals[0], { limit: Number.isInteger(limit) && limit > 0 ? limit : 20 });
    const cfg = {
      lowestEfficiency: values['lowest-efficiency'] ?? values.lowestEfficiency,
      highestWastedBytes: values['highest-wasted-bytes'] ?? values.highestWastedBytes,
      highestUserWastedPercent: values['highest-user-wasted-percent'] ?? values.highestUserWastedPercent,
    };
    const ci = values.ci ? evaluateCi(report, cfg) : undefined;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ ...report, userWastedPercent: report.wastedBytes / report.userSizeBytes, ci: ci && { pass: ci.pass, rules: ci.rules } }, null, 2)}\n`);
    } else {
      process.stdout.write(`${ci ? ci.report : `${analysisSection(report)}\n\n${filesSection(report)}`}\n`);
    }
    return ci && !ci.pass ? 1 : 0;
  },
};
export default command;
