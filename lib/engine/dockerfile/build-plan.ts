// Parsed stages -> build plan: meta ARGs and predefined args, FROM expansion, base stages,
// the dependency graph, the target and the stages it needs (BuildKit's toDispatchState).
import { EngineError, ErrorCodes } from '../errors.ts';
import type {
  ArgInstruction, BuildPlan, BuildPlanOptions, Instruction, ParseResult, Platform, Stage, StageBase, SourceRange,
} from './index.ts';
import { parseInstructions } from './instructions.ts';
import { parseDockerfile } from './parser.ts';
import { budgetFor, expansionEngineError } from './limits.ts';
import { ExpansionError, ShellLexer } from './shell-lexer.ts';
import { expandStage } from './stage-expander.ts';
import { imageRefOrThrow } from './build-plan-errors.ts';
import { buildGraph } from './stage-graph.ts';
import { suggest } from './suggest.ts';

export { DEFAULT_PATH_ENV } from './stage-expander.ts';

/** Build args BuildKit accepts without an ARG (proxies) or uses itself: never "unused". */
const PREDEFINED = new Set(
  ['HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap((k) => [k, k.toLowerCase()]),
);

export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  const p: Platform = { os: 'linux', architecture: arch[process.arch] ?? process.arch };
  if (p.architecture === 'arm') p.variant = 'v7';
  return p;
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** BUILDPLATFORM, TARGETOS... with --build-arg overrides (BuildKit's defaultArgs). */
function defaultArgs(build: Platform, target: Platform, overrides: Record<string, string>, stage: string) {
  const pairs: [string, string][] = [
    ['BUILDPLATFORM', formatPlatform(build)],
    ['BUILDOS', build.os],
    ['BUILDOSVERSION', ''],
    ['BUILDARCH', build.architecture],
    ['BUILDVARIANT', build.variant ?? ''],
    ['TARGETPLATFORM', formatPlatform(target)],
    ['TARGETOS', target.os],
    ['TARGETOSVERSION', ''],
    ['TARGETARCH', target.architecture],
    ['TARGETVARIANT', target.variant ?? ''],
    ['TARGETSTAGE', stage],
  ];
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) out[k] = Object.hasOwn(overrides, k) ? overrides[k] : v;
  return out;
}

function expandGlobal(lexer: ShellLexer, word: string, env: Record<string, string>, range: SourceRange, file?: string, subject = 'FROM') {
  try {
    return lexer.process(word, env);
  } catch (err) {
    if (err instanceof ExpansionError) throw expansionEngineError(err, subject, range, file);
    throw err;
  }
}

/** Meta ARGs (before the first FROM) in order; each default may use the ones before it. */
function buildMetaArgs(
  lexer: ShellLexer,
  metaArgs: ArgInstruction[],
  globals: Record<string, string>,
  buildArgs: Record<string, string>,
  file?: string,
): void {
  for (const ins of metaArgs) {
    for (const a of ins.args) {
      let value: string | undefined;
      if (Object.hasOwn(buildArgs, a.key)) value = buildArgs[a.key];
      else if (a.value !== undefined) value = expandGlobal(lexer, a.value, globals, ins.range, file, `ARG ${a.key}`).result;
      if (value !== undefined) globals[a.key] = value;
    }
  }
}

function onbuildOf(instructions: Instruction[]): Instruction[] {
  return instructions.flatMap((i) => (i.kind === 'ONBUILD' ? [i.trigger] : []));
}

export function createBuildPlan(input: string | Uint8Array | ParseResult, opts: BuildPlanOptions = {}): BuildPlan {
  const parse = typeof input === 'string' || input instanceof Uint8Array ? parseDockerfile(input, { file: opts.file }) : input;
  const file = parse.file ?? opts.file;
  const parsed = parseInstructions(parse);
  const buildArgs = { ...(opts.buildArgs ?? {}) };
  const build = opts.buildPlatform ?? hostPlatform();
  const target = opts.targetPlatform ?? build;
  const lexer = new ShellLexer(parse.escapeToken, { budget: budgetFor(parse) });

  const last = parsed.stages[parsed.stages.length - 1];
  const globalArgs = defaultArgs(build, target, buildArgs, opts.target ?? last.name ?? '');
  buildMetaArgs(lexer, parsed.metaArgs, globalArgs, buildArgs, file);

  // FROM lines see only global args. Bases resolve against stages defined earlier.
  const byName = new Map<string, number>();
  const stages: Stage[] = parsed.stages.map((ps) => {
    const img = expandGlobal(lexer, ps.from.image, globalArgs, ps.from.range, file);
    if (img.result === '') {
      throw new EngineError(
        ErrorCodes.INVALID_ARGUMENT,
        `base name (${ps.from.image}) should not be blank: the variables in it are empty; give them a default with ARG before the first FROM`,
        { range: ps.from.range, file },
      );
    }
    const used = new Set(img.matched);
    const unset = new Set(img.unmatched);
    let platform: string | undefined;
    if (ps.from.platform !== undefined) {
      const p = expandGlobal(lexer, ps.from.platform, globalArgs, ps.from.range, file);
      p.matched.forEach((v) => used.add(v));
      p.unmatched.forEach((v) => unset.add(v));
      if (p.result === '') {
        throw new EngineError(ErrorCodes.INVALID_ARGUMENT, `empty platform value from expression ${ps.from.platform}`, {
          range: ps.from.range,
          file,
        });
      }
      if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+){0,2}$/.test(p.result)) {
        throw new EngineError(
          ErrorCodes.INVALID_ARGUMENT,
          `failed to parse platform ${ps.from.platform}: "${p.result}": unknown operating system or architecture (write it like linux/amd64 or linux/arm64/v8)`,
          { range: ps.from.range, file },
        );
      }
      platform = p.result;
    }
    let base: StageBase;
    const parent = byName.get(img.result);
    if (parent !== undefined) base = { kind: 'stage', index: parent };
    else if (img.result === 'scratch') base = { kind: 'scratch' };
    else {
      const normalized = imageRefOrThrow(img.result, 'stage name', [...byName.keys()], ps.from.range.start, file);
      base = { kind: 'image', ref: img.result, normalized };
    }
    if (ps.name !== undefined) byName.set(ps.name, ps.index);
    const stage: Stage = Object.assign({}, ps, {
      baseName: img.result,
      base,
      onbuildTriggers: base.kind === 'stage' ? onbuildOf(parsed.stages[base.index].instructions) : [],
      fromVars: { used: [...used], undefined: [...unset] },
      dependsOn: [],
      images: [],
      expanded: { index: ps.index, steps: [], imageEnv: [], stateEnv: [], declaredArgs: [] },
    });
    if (platform !== undefined) stage.platform = platform;
    return stage;
  });

  buildGraph(stages, file);

  let targetIndex = stages.length - 1;
  if (opts.target !== undefined) {
    const found = stages.find((s) => s.name === opts.target!.toLowerCase());
    if (!found) {
      const names = stages.flatMap((s) => (s.name ? [s.name] : []));
      const hint = suggest(opts.target, names);
      throw new EngineError(
        ErrorCodes.UNKNOWN_STAGE,
        `target stage "${opts.target}" could not be found` +
          (hint ? ` (did you mean ${hint}?)` : names.length ? `; stages are: ${names.join(', ')}` : '; no stage has a name (use FROM image AS name)'),
        { file },
      );
    }
    targetIndex = found.index;
  }

  const reachable = new Set<number>();
  const visit = (i: number) => {
    if (reachable.has(i)) return;
    reachable.add(i);
    for (const d of stages[i].dependsOn) visit(d.stage);
  };
  visit(targetIndex);
  const needed = [...reachable].sort((a, b) => a - b);
  const pruned = stages.map((s) => s.index).filter((i) => !reachable.has(i));

  const proxyEnv = Object.fromEntries(Object.entries(buildArgs).filter(([k]) => PREDEFINED.has(k)));
  const plan: BuildPlan = {
    parse, metaArgs: parsed.metaArgs, globalArgs, stages, target: targetIndex, needed, pruned, buildArgs, proxyEnv,
    unusedBuildArgs: [],
  };

  // Stages COPY --from later stages cannot be built (BuildKit dispatches in file order).
  for (const i of needed) {
    for (const d of stages[i].dependsOn) {
      if (d.kind !== 'from' && d.stage > i) {
        throw new EngineError(
          ErrorCodes.UNKNOWN_STAGE,
          `cannot copy from stage "${stages[d.stage].name ?? d.stage}", it needs to be defined before current stage "${stages[i].name ?? `stage-${i}`}"`,
          { range: { start: d.line, end: d.line }, file },
        );
      }
    }
  }

  // Expansion in file order so parents are done first; pruned stages never fail the plan.
  for (const s of stages) {
    try {
      s.expanded = expandStage(plan, s.index);
    } catch (err) {
      if (reachable.has(s.index)) throw err;
    }
  }

  const consumed = new Set<string>(parsed.metaArgs.flatMap((a) => a.args.map((d) => d.key)));
  for (const i of needed) for (const ins of stages[i].instructions) if (ins.kind === 'ARG') ins.args.forEach((a) => consumed.add(a.key));
  plan.unusedBuildArgs = Object.keys(buildArgs).filter((k) => !consumed.has(k) && !PREDEFINED.has(k) && !Object.hasOwn(globalArgs, k) && !k.startsWith('BUILDKIT_'));
  return plan;
}
