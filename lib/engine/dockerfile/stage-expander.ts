// Variable expansion through one stage, instruction by instruction (BuildKit's dispatch in
// dockerfile2llb/convert.go): every instruction is expanded against the environment as it is
// right before it; ENV and ARG then change that environment for the next instruction.
import { EngineError, ErrorCodes } from '../errors.ts';
import type {
  ArgDefinition, BuildPlan, ExpandedStage, ExpandedStep, ExpandStageOptions, Instruction, KeyValue, RunMount,
} from './index.ts';
import { checkPort, checkSignal } from './dispatch-checks.ts';
import { MountError, parseMount } from './run-mount.ts';
import { budgetFor, expansionEngineError } from './limits.ts';
import { ExpansionError, ShellLexer } from './shell-lexer.ts';

/** PATH BuildKit sets when the base image has none (linux). */
export const DEFAULT_PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Args BuildKit never reports as undefined (they configure BuildKit itself). */
const NON_ENV_ARGS = new Set(['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);

/** A copy of `obj` with some fields replaced (Object.assign: `{ ...obj, x }` is slow on Node 20). */
function patch<T extends object>(obj: T, fields: Partial<T>): T {
  return Object.assign({}, obj, fields);
}

/** Ordered KEY=value list where setting an existing key replaces it in place. */
class EnvList {
  private readonly map = new Map<string, string>();
  constructor(entries: readonly string[] = []) {
    for (const e of entries) {
      const i = e.indexOf('=');
      this.set(i < 0 ? e : e.slice(0, i), i < 0 ? '' : e.slice(i + 1));
    }
  }
  private cached: string[] | undefined;
  set(k: string, v: string): void {
    this.map.set(k, v);
    this.cached = undefined;
  }
  /** The list, shared between calls while nothing changes (steps without ENV/ARG reuse it). */
  snapshot(): string[] {
    this.cached ??= this.list();
    return this.cached;
  }
  has(k: string): boolean {
    return this.map.has(k);
  }
  asMap(): Map<string, string> {
    return this.map;
  }
  list(): string[] {
    return [...this.map].map(([k, v]) => `${k}=${v}`);
  }
}

interface StageState {
  env: EnvList;
  imageEnv: EnvList;
  declared: string[];
}

function initialState(plan: BuildPlan, index: number, opts: ExpandStageOptions): StageState {
  const stage = plan.stages[index];
  if (stage.base.kind === 'stage') {
    const parent = opts.parent ?? plan.stages[stage.base.index].expanded;
    return {
      env: new EnvList(parent.stateEnv),
      imageEnv: new EnvList(parent.imageEnv),
      declared: [...parent.declaredArgs],
    };
  }
  const imageEnv = new EnvList(stage.base.kind === 'image' ? (opts.baseEnv ?? []) : []);
  if (!imageEnv.has('PATH')) imageEnv.set('PATH', DEFAULT_PATH_ENV);
  return { env: new EnvList(imageEnv.list()), imageEnv, declared: [] };
}

/** Expand stage `index` of the plan; the builder calls this again once it knows the base env. */
export function expandStage(plan: BuildPlan, index: number, opts: ExpandStageOptions = {}): ExpandedStage {
  const stage = plan.stages[index];
  const st = initialState(plan, index, opts);
  const lexer = new ShellLexer(plan.parse.escapeToken, { budget: budgetFor(plan.parse) });
  const steps: ExpandedStep[] = [];
  for (const ins of [...stage.onbuildTriggers, ...stage.instructions]) {
    steps.push(expandInstruction(plan, st, lexer, ins));
  }
  return { index, steps, imageEnv: st.imageEnv.list(), stateEnv: st.env.list(), declaredArgs: [...st.declared] };
}

function expandInstruction(plan: BuildPlan, st: StageState, lexer: ShellLexer, ins: Instruction): ExpandedStep {
  const used = new Set<string>();
  const unset = new Set<string>();
  const file = plan.parse.file;
  const env = st.env.asMap();
  let subject: string = ins.kind; // "ARG A21" in a limit's message
  const word = (w: string, lx: ShellLexer = lexer): string => {
    try {
      const r = lx.process(w, env);
      r.matched.forEach((v) => used.add(v));
      r.unmatched.forEach((v) => unset.add(v));
      return r.result;
    } catch (err) {
      if (err instanceof ExpansionError) throw expansionEngineError(err, subject, ins.range, file);
      throw err;
    }
  };
  const optWord = (w: string | undefined) => (w === undefined ? undefined : word(w));
  const rawLexer = new ShellLexer('\\', { skipProcessQuotes: true, budget: lexer.budget });
  let out: Instruction;

  switch (ins.kind) {
    case 'ARG':
      out = patch(ins, { args: ins.args.map((a) => ((subject = `ARG ${a.key}`), resolveArg(plan, st, a, word))) });
      break;
    case 'ENV': {
      const pairs: KeyValue[] = ins.pairs.map((p) => ((subject = `ENV ${p.key}`), patch(p, { key: word(p.key), value: word(p.value) })));
      for (const p of pairs) {
        st.env.set(p.key, p.value);
        st.imageEnv.set(p.key, p.value);
      }
      out = patch(ins, { pairs });
      break;
    }
    case 'LABEL':
      out = patch(ins, { pairs: ins.pairs.map((p) => patch(p, { key: word(p.key), value: word(p.value) })) });
      break;
    case 'COPY':
    case 'ADD': {
      const copy = patch(ins, {
        sources: ins.sources.map((s) => word(s)),
        dest: word(ins.dest),
        contents: ins.contents.map((c) => (c.expand ? patch(c, { data: word(c.data, rawLexer) }) : c)),
      });
      if (copy.chown !== undefined) copy.chown = optWord(copy.chown);
      if (copy.chmod !== undefined) copy.chmod = optWord(copy.chmod);
      if (copy.kind === 'ADD' && copy.checksum !== undefined) copy.checksum = optWord(copy.checksum);
      out = copy;
      break;
    }
    case 'WORKDIR':
      out = patch(ins, { path: word(ins.path) });
      break;
    case 'USER':
      out = patch(ins, { user: word(ins.user) });
      break;
    case 'VOLUME':
      out = patch(ins, { volumes: ins.volumes.map((v) => word(v)) });
      break;
    case 'STOPSIGNAL': {
      const signal = word(ins.signal);
      const bad = checkSignal(signal);
      if (bad) throw new EngineError(ErrorCodes.INVALID_ARGUMENT, bad, { range: ins.range, file });
      out = patch(ins, { signal });
      break;
    }
    case 'EXPOSE': {
      const ports: string[] = [];
      for (const p of ins.ports) {
        try {
          const r = lexer.process(p, env);
          r.matched.forEach((v) => used.add(v));
          r.unmatched.forEach((v) => unset.add(v));
          ports.push(...r.words);
        } catch (err) {
          if (err instanceof ExpansionError) throw expansionEngineError(err, subject, ins.range, file);
          throw err;
        }
      }
      for (const p of ports) {
        const bad = checkPort(p);
        if (bad) throw new EngineError(ErrorCodes.INVALID_ARGUMENT, `EXPOSE: ${bad}`, { range: ins.range, file });
      }
      out = patch(ins, { ports });
      break;
    }
    case 'RUN': {
      const mounts: RunMount[] = ins.mounts.map((m) => {
        try {
          return parseMount(m.raw, (v) => word(v));
        } catch (err) {
          if (err instanceof MountError) {
            throw new EngineError(ErrorCodes.INVALID_FLAG, `--mount: ${err.message}`, { range: ins.range, file });
          }
          throw err;
        }
      });
      out = patch(ins, { mounts });
      break;
    }
    default:
      out = ins; // CMD, ENTRYPOINT, SHELL, HEALTHCHECK, MAINTAINER, ONBUILD, FROM: not expanded
  }

  const undefinedVars = [...unset].filter((v) => !st.declared.includes(v) && !NON_ENV_ARGS.has(v));
  return { instruction: out, usedVars: [...used], undefinedVars, env: st.env.snapshot() };
}

/** ARG inside a stage: --build-arg wins, then the default (expanded), then a global value. */
function resolveArg(plan: BuildPlan, st: StageState, a: ArgDefinition, word: (w: string) => string): ArgDefinition {
  const hasBuildArg = Object.hasOwn(plan.buildArgs, a.key);
  let value: string | undefined;
  if (hasBuildArg) value = plan.buildArgs[a.key];
  else if (a.value !== undefined) value = word(a.value);
  else if (Object.hasOwn(plan.globalArgs, a.key)) value = plan.globalArgs[a.key];
  if (value !== undefined && !NON_ENV_ARGS.has(a.key)) st.env.set(a.key, value);
  st.declared.push(a.key);
  const out: ArgDefinition = Object.assign({}, a);
  if (value === undefined) delete out.value;
  else out.value = value;
  return out;
}
