// `lab dockerfile check [-f FILE] [--json] [--target STAGE] [CONTEXT]`: like `docker build --check`.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from '../main.ts';
import { openContext } from '../../engine/build-context/index.ts';
import { checkDockerfile, formatFinding } from '../../engine/checks/index.ts';

const USAGE = 'Usage: lab dockerfile check [-f DOCKERFILE] [--json] [--target STAGE] [CONTEXT]';

type Args = { file?: string; json: boolean; target?: string; dir?: string; help: boolean };

function parseArgs(args: string[]): Args {
  const out: Args = { json: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-f' || a === '--file') out.file = args[++i];
    else if (a.startsWith('--file=')) out.file = a.slice(7);
    else if (a === '--json') out.json = true;
    else if (a === '--target') out.target = args[++i];
    else if (a.startsWith('--target=')) out.target = a.slice(9);
    else if (a === '-h' || a === '--help') out.help = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else out.dir = a;
  }
  return out;
}

const command: Command = {
  summary: 'check a Dockerfile like `docker build --check` (plus the lesson advice)',
  async run(args) {
    const opts = parseArgs(args);
    if (opts.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    // Like docker: -f is relative to the working directory, the default is CONTEXT/Dockerfile.
    const dockerfile = opts.file ?? path.join(opts.dir ?? '.', 'Dockerfile');
    let text: Buffer;
    try {
      text = await fs.readFile(dockerfile);
    } catch {
      process.stderr.write(`lab: cannot read ${dockerfile}; pass -f PATH or a context directory that contains a Dockerfile\n`);
      return 1;
    }
    const context = opts.dir ? await openContext(opts.dir, { dockerfile }) : undefined;
    const result = await checkDockerfile(text, { file: path.basename(dockerfile), context, target: opts.target });
    if (opts.json) {
      process.stdout.write(JSON.stringify({ file: dockerfile, context: context?.root ?? null, ...result }, null, 2) + '\n');
    } else {
      for (const f of result.findings) process.stdout.write(formatFinding(f) + '\n');
      const errors = result.findings.filter((f) => f.severity === 'error').length;
      if (result.error) {
        const where = result.error.range ? `${path.basename(dockerfile)}:${result.error.range.start} ` : '';
        process.stderr.write(`${where}error [${result.error.code}]: ${result.error.message}\n`);
      }
      if (!result.findings.length) process.stdout.write(result.error ? 'The build would fail with the error above.\n' : 'Check complete, no warnings found.\n');
      else {
        const n = result.findings.length;
        process.stdout.write(`\n${n} finding${n === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'})${result.errorOnAny ? '; # check=error=true makes every finding fail the check' : ''}\n`);
      }
      if (!context) process.stdout.write('(no CONTEXT given: CopyIgnoredFile and MissingDockerignore were not checked)\n');
    }
    return result.failed ? 1 : 0;
  },
};

export default command;
