// `lab dockerfile <parse|check> ...`: the `dockerfile` verb and its `parse` subcommand.
//   lab dockerfile parse [-f FILE|-] [--json] [--target STAGE] [--build-arg K=V ...]
// prints the syntax tree in BuildKit's parser-test format, or with --json the typed build plan.
// `check` lives in dockerfile-check.ts (another file) and is loaded only if it exists.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../main.ts';
import { isEngineError } from '../../engine/errors.ts';
import { createBuildPlan, dumpTree, parseDockerfile, type BuildPlan } from '../../engine/dockerfile/index.ts';

const USAGE = `Usage: lab dockerfile parse [-f FILE|-] [--json] [--target STAGE] [--build-arg KEY=VALUE ...]
  -f FILE       Dockerfile to read (default ./Dockerfile; - reads standard input)
  --json        print the typed build plan (stages, instructions with lines) instead of the tree
  --target      stage to build (default: the last one); with --json
  --build-arg   value for an ARG; with --json`;

type ParseArgs = { file: string; json: boolean; target?: string; buildArgs: Record<string, string>; help: boolean };

function parseArgs(args: string[]): ParseArgs {
  const out: ParseArgs = { file: 'Dockerfile', json: false, buildArgs: {}, help: false };
  const value = (i: number, name: string) => {
    const v = args[i];
    if (v === undefined) throw new Error(`${name} needs a value\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-f' || a === '--file') out.file = value(++i, a);
    else if (a.startsWith('--file=')) out.file = a.slice(7);
    else if (a === '--json') out.json = true;
    else if (a === '--target') out.target = value(++i, a);
    else if (a.startsWith('--target=')) out.target = a.slice(9);
    else if (a === '--build-arg' || a.startsWith('--build-arg=')) {
      const kv = a === '--build-arg' ? value(++i, a) : a.slice(12);
      const eq = kv.indexOf('=');
      // Like docker: `--build-arg KEY` without a value takes it from the environment.
      if (eq < 0) {
        if (process.env[kv] !== undefined) out.buildArgs[kv] = process.env[kv]!;
      } else out.buildArgs[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a === '-h' || a === '--help') out.help = true;
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return out;
}

/** The plan as JSON: what each stage is built from, what it needs, its instructions with lines. */
export function planToJson(plan: BuildPlan): unknown {
  return {
    file: plan.parse.file,
    directives: plan.parse.directives,
    escapeToken: plan.parse.escapeToken,
    warnings: plan.parse.warnings,
    metaArgs: plan.metaArgs,
    globalArgs: plan.globalArgs,
    target: plan.target,
    needed: plan.needed,
    pruned: plan.pruned,
    unusedBuildArgs: plan.unusedBuildArgs,
    stages: plan.stages.map((s) => ({
      index: s.index,
      name: s.name ?? null,
      range: s.range,
      from: s.from,
      baseName: s.baseName,
      base: s.base,
      platform: s.platform ?? null,
      onbuildTriggers: s.onbuildTriggers,
      dependsOn: s.dependsOn,
      images: s.images,
      instructions: s.instructions,
      expanded: s.expanded.steps.map((st) => ({
        line: st.instruction.range.start,
        instruction: st.instruction,
        undefinedVars: st.undefinedVars,
      })),
    })),
  };
}

async function readInput(file: string): Promise<Buffer> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
  return fs.promises.readFile(file);
}

export async function runParse(args: string[]): Promise<number> {
  const opts = parseArgs(args);
  if (opts.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let text: Buffer;
  try {
    text = await readInput(opts.file);
  } catch {
    process.stderr.write(`lab: cannot read ${opts.file}; pass -f PATH (or -f - for standard input)\n`);
    return 1;
  }
  const name = opts.file === '-' ? 'Dockerfile' : path.basename(opts.file);
  try {
    if (opts.json) {
      const plan = createBuildPlan(text, { file: name, target: opts.target, buildArgs: opts.buildArgs });
      process.stdout.write(JSON.stringify(planToJson(plan), null, 2) + '\n');
    } else {
      const result = parseDockerfile(text, { file: name });
      for (const w of result.warnings) process.stderr.write(`[WARNING]: ${name}:${w.range.start}: ${w.message}\n`);
      process.stdout.write(dumpTree(result.ast));
    }
    return 0;
  } catch (err) {
    if (isEngineError(err)) {
      process.stderr.write(`error [${err.code}]: ${err.describe()}\n`);
      return 1;
    }
    throw err;
  }
}

async function runCheck(args: string[]): Promise<number> {
  const mod = (await import('./dockerfile-check.ts')) as { default: Command };
  return mod.default.run(args);
}

const command: Command = {
  summary: 'read a Dockerfile like BuildKit: parse (syntax tree / --json plan), check',
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === 'parse') return runParse(rest);
    if (sub === 'check') return runCheck(rest);
    process.stderr.write(
      'Usage: lab dockerfile <command>\n  parse   print the syntax tree (or --json the build plan)\n  check   report problems like docker build --check\n',
    );
    return sub === undefined || sub === '-h' || sub === '--help' ? 0 : 2;
  },
};

export default command;
