// Runs the steps of one stage in order: FROM, then metadata steps (config only) and
// filesystem steps (RUN, COPY, ADD, WORKDIR) through the cache.
import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError, ErrorCodes, isEngineError } from '../errors.ts';
import type { BuildPlan, Instruction, RunMount as DockerfileMount, Stage } from '../dockerfile/index.ts';
import { createBuildPlan, expandStage, ShellLexer } from '../dockerfile/index.ts';
import type { Executor } from '../executor/executor.ts';
import { mkdirAllInRoot, resolveInRoot } from '../executor/scoped-path.ts';
import { resolveUser } from '../executor/user-resolver.ts';
import { createdBy, newImageConfig } from '../image/config-builder.ts';
import type { Image, ImageStore } from '../image/image.ts';
import { formatReference, parseReference } from '../image/reference.ts';
import type { BuildContext } from '../build-context/index.ts';
import { checksumFiles } from '../build-cache/source-checksum.ts';
import { filesDigest } from '../build-cache/cache-key.ts';
import type { ActiveSnapshot } from '../snapshot/snapshotter.ts';
import type { Progress } from '../progress/progress.ts';
import type { StepPosition } from '../progress/events.ts';
import type { StepSummary } from './build.ts';
import { runFsStep, asStepError, identityOf, type StepContext } from './fs-step.ts';
import { applyMetadata, METADATA_KINDS, workdirPath } from './metadata-steps.ts';
import { executeRun, loadSecrets, prepareRun } from './run-step.ts';
import { MAX_LAYER_BYTES } from '../limits.ts';
import { copyText, prepareCopy } from './copy-step.ts';
import { matchSource, walkMatches, type SourceRoot } from './copy-sources.ts';
import { DEFAULT_SHELL, envToMap, snapshotParents, type StageState } from './stage-state.ts';

export type StageResult = { state: StageState; expanded: ReturnType<typeof expandStage>; image?: Image };

export type StageEnv = {
  plan: BuildPlan;
  step: StepContext;
  progress: Progress;
  images: ImageStore;
  executor?: Executor;
  context: () => Promise<BuildContext>;
  secrets?: Record<string, Buffer>;
  /** Resolves an image by reference (FROM, COPY --from=image). */
  resolveImage(ref: string): Promise<Image>;
  /** The result of another stage (waits for it). */
  stage(index: number): Promise<StageResult>;
  /** Classic Step N/M numbering: first global index of each stage, and the total. */
  globalStart: Map<number, number>;
  globalTotal: number;
  summaries: StepSummary[];
  signal: AbortSignal;
  /** Host temp dir for files that live only during a step (heredoc scripts). */
  tmpDir: string;
  /** --no-cache-filter stage names/indexes. */
  noCacheFilter?: string[];
};

const FS_KINDS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);

function stagePrefix(plan: BuildPlan, stage: Stage): string {
  return plan.stages.length > 1 ? `${stage.name ?? `stage-${stage.index}`} ` : '';
}

/** The instruction as the user wrote it, on one line (what progress shows). */
function shown(ins: Instruction): string {
  return ins.original.replace(/\s+/g, ' ').trim();
}

/** A stage by name or index (COPY --from, RUN --mount from=), else undefined (an image). */
export function stageRef(plan: BuildPlan, ref: string, before: number): number | undefined {
  const lower = ref.toLowerCase();
  const byName = plan.stages.find((s) => s.name === lower && s.index < before);
  if (byName) return byName.index;
  if (/^\d+$/.test(ref) && Number(ref) < before) return Number(ref);
  return undefined;
}

export async function runStage(env: StageEnv, index: number): Promise<StageResult> {
  const { plan, progress } = env;
  const stage = plan.stages[index];
  const prefix = stagePrefix(plan, stage);
  const fsTotal = 1 + stage.instructions.filter((i) => FS_KINDS.has(i.kind)).length;
  let fsIndex = 1;
  let globalIndex = env.globalStart.get(index) ?? 1;
  const position = (i: number, total: number): StepPosition => ({ stage: index, stageName: stage.name, index: i, total, globalIndex, globalTotal: env.globalTotal });

  // FROM: resolve the base first (BuildKit shows "load metadata for ..." before the FROM step)
  let state: StageState;
  let expanded;
  let image: Image | undefined;
  let parent: StageResult | undefined;
  let fromName = stage.baseName;
  let fromVertex: ReturnType<Progress['vertex']> | undefined;
  try {
    if (stage.base.kind === 'stage') parent = await env.stage(stage.base.index);
    else if (stage.base.kind === 'image') {
      image = await env.resolveImage(stage.base.ref);
      fromName = formatReference(parseReference(stage.base.ref));
    }
    fromVertex = progress.vertex(`[${prefix}${fsIndex}/${fsTotal}] FROM ${fromName}`, { step: position(1, fsTotal), instruction: shown(stage.from), range: stage.from.range });
    if (parent) {
      state = { ...structuredClone(parent.state), rebuilt: parent.state.rebuilt };
      expanded = expandStage(plan, index, { parent: parent.expanded });
      fromVertex.done({ resultId: state.key });
    } else if (image) {
      const config = newImageConfig(image.config);
      expanded = expandStage(plan, index, { baseEnv: config.config?.Env ?? [] });
      state = emptyState(config, `from:${image.target.digest}`, image.config.created ?? env.step.created);
      state.layers = image.manifest.layers.map((d, i) => ({ descriptor: d, diffId: image!.config.rootfs.diff_ids[i] }));
      state.shell = config.config?.Shell ?? DEFAULT_SHELL;
      fromVertex.done({ resultId: image.id });
    } else {
      expanded = expandStage(plan, index, {});
      state = emptyState(newImageConfig(undefined), 'scratch', env.step.created);
      fromVertex.done();
    }
  } catch (err) {
    const e = asStepError(err, stage.from.range, env.step.dockerfile);
    fromVertex?.error(e.code, e.message, e.range);
    throw e;
  }
  if (stage.base.kind !== 'stage') {
    state.env = [...(state.config.config?.Env ?? [])];
    if (!state.env.some((e) => e.startsWith('PATH='))) state.env.unshift(`PATH=${expanded.imageEnv.find((e) => e.startsWith('PATH='))?.slice(5) ?? ''}`);
  }
  // A stage built on another keeps its ARGs in scope; a fresh base starts with none.
  if (stage.base.kind !== 'stage') state.args = [];

  const stageCtx: StepContext = { ...env.step };
  const filtered = env.step.noCache ? undefined : matchesFilter(env, stage);
  if (filtered) {
    stageCtx.noCache = true;
    stageCtx.filterName = filtered;
  }

  /** Earlier stages this instruction reads (COPY --from, RUN --mount from=); image refs are not stages. */
  const sourceStages = (ins: Instruction): number[] => {
    const refs: string[] = [];
    try {
      if (ins.kind === 'COPY' && ins.from !== undefined) refs.push(new ShellLexer(plan.parse.escapeToken).process(ins.from, envToMap(state.env)).result);
    } catch {
      // a bad --from expansion is reported by the step itself, on its own vertex
    }
    if (ins.kind === 'RUN') for (const m of ins.mounts) if (m.from !== undefined) refs.push(m.from);
    return refs.map((r) => stageRef(plan, r, index)).filter((i): i is number => i !== undefined);
  };

  const runOne = async (ins: Instruction, envAfter: string[], j: number, trigger: boolean): Promise<void> => {
    if (env.signal.aborted) throw isEngineError(env.signal.reason) ? env.signal.reason : new EngineError(ErrorCodes.CANCELLED, 'the build was cancelled');
    if (!trigger) globalIndex++;
    if (METADATA_KINDS.has(ins.kind)) {
      applyMetadata(state, ins, state.lastCreated);
      state.env = envAfter;
      progress.emit({ type: 'step.metadata', step: position(fsIndex, fsTotal), instruction: shown(ins), range: ins.range, resultId: state.key });
      return;
    }
    if (!trigger) fsIndex++;
    // BuildKit starts a vertex only when its inputs exist: the stages a step copies or mounts
    // from finish first, so the trace shows them in the order they ran ([build 2/2] before
    // [3/3] COPY --from=build). A failed source stage has already reported its own error.
    for (const i of sourceStages(ins)) await env.stage(i);
    const label = trigger ? `[${prefix}${fsIndex}/${fsTotal}] ONBUILD ${shown(ins)}` : `[${prefix}${fsIndex}/${fsTotal}] ${shown(ins)}`;
    const vertex = progress.vertex(label, { step: position(fsIndex, fsTotal), instruction: trigger ? `ONBUILD ${shown(ins)}` : shown(ins), range: ins.range });
    const base = { vertex, stage: { index, name: stage.name }, index: j + 2, keyword: ins.kind, instruction: shown(ins), line: ins.range };
    const views: ActiveSnapshot[] = [];
    const cleanups: (() => Promise<void>)[] = [];
    try {
      if (ins.kind === 'WORKDIR') {
        const dir = workdirPath(state, ins.path);
        (state.config.config ??= {}).WorkingDir = dir;
        const user = state.config.config.User;
        env.summaries.push(
          await runFsStep(stageCtx, state, {
            ...base,
            inputs: { kind: 'workdir', text: `WORKDIR ${dir}`, user: user ?? '' },
            createdBy: (made) => createdBy.workdir(dir, made),
            run: async (snap) => {
              const owner = user ? await resolveUser(snap.rootfs, user) : { uid: 0, gid: 0 };
              await mkdirAllInRoot(snap.rootfs, dir, 0o755, owner.uid, owner.gid);
            },
          }),
        );
      } else if (ins.kind === 'RUN') {
        const executor = env.executor;
        if (!executor) throw new EngineError(ErrorCodes.UNAVAILABLE, 'RUN needs the runc executor, which is not available on this machine (run as root with runc installed)');
        const run = await prepareRun(ins, state, (m) => bindSource(env, index, m, views), async (name, data) => {
          const dir = await fs.mkdtemp(path.join(env.tmpDir, 'heredoc-'));
          cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
          const file = path.join(dir, name);
          await fs.writeFile(file, data, { mode: 0o755 });
          return file;
        });
        const secrets = loadSecrets(env.secrets, run.mounts);
        env.summaries.push(
          await runFsStep(stageCtx, state, {
            ...base,
            inputs: run.inputs,
            createdBy: run.createdBy,
            maxBytes: MAX_LAYER_BYTES,
            run: (snap) => executeRun(executor, snap.rootfs, snap.upperdir, run, state, { secrets, onLine: (s, l) => vertex.log(s, l), signal: env.signal, network: ins.network }),
          }),
        );
      } else if (ins.kind === 'COPY' || ins.kind === 'ADD') {
        // --from is expanded like BuildKit does (ARG/ENV in scope): COPY --from=${BUILDER}
        const from = ins.kind === 'COPY' && ins.from !== undefined ? new ShellLexer(plan.parse.escapeToken).process(ins.from, envToMap(state.env)).result : undefined;
        const fromStage = from === undefined ? undefined : stageRef(plan, from, index);
        const fromState = fromStage === undefined ? undefined : (await env.stage(fromStage)).state;
        const fromKey = fromState?.key;
        // COPY --from a stage whose result has the same key as last time: same layers, so the
        // same files — reuse last time's checksums instead of mounting the stage to hash them.
        const previous = fromKey && !fromState?.dirty && !stageCtx.noCache ? await stageCtx.cache.recall(identityOf(stageCtx, base)) : undefined;
        const workdir = state.config.config?.WorkingDir || '/';
        if (previous && previous.inputs.extra?.fromKey === fromKey && previous.inputs.text === copyText(ins) && previous.inputs.workdir === workdir) {
          env.summaries.push(
            await runFsStep(stageCtx, state, {
              ...base,
              inputs: previous.inputs,
              createdBy: createdBy.copy(ins.kind, ins.flags, [...ins.sources, ...ins.contents.map((c) => `<<${c.path}`)], ins.dest),
              independent: ins.link,
              run: async (snap) => {
                const copy = await prepareCopy(ins, state, await sourceRoot(env, index, from!, views), { signal: env.signal, fromKey, tmpDir: env.tmpDir });
                await copy.apply(snap).finally(() => copy.dispose());
              },
            }),
          );
        } else {
          const src = from === undefined ? ({ kind: 'context', ctx: await env.context() } as SourceRoot) : await sourceRoot(env, index, from, views);
          const copy = await prepareCopy(ins, state, src, { signal: env.signal, fromKey, tmpDir: env.tmpDir });
          try {
            env.summaries.push(
              await runFsStep(stageCtx, state, { ...base, inputs: copy.inputs, createdBy: copy.createdBy, independent: ins.link, run: copy.apply }),
            );
          } finally {
            await copy.dispose();
          }
        }
      } else {
        throw new EngineError(ErrorCodes.UNKNOWN_INSTRUCTION, `${ins.kind} cannot be built here`, { range: ins.range });
      }
    } catch (err) {
      const e = asStepError(err, ins.range, env.step.dockerfile);
      vertex.error(e.code, e.message, e.range);
      throw e;
    } finally {
      for (const v of views) await v.release();
      for (const c of cleanups) await c().catch(() => undefined);
    }
    state.env = envAfter;
  };

  // ONBUILD triggers of the base image run right after FROM (docker's rule), then are cleared.
  if (image?.config.config?.OnBuild?.length) {
    const triggers = onbuildSteps(image.config.config.OnBuild, image.config.config.Env ?? [], stage.from.range);
    for (const [k, t] of triggers.entries()) await runOne(t.instruction, t.env, 1000 + k, true);
    if (state.config.config) state.config.config.OnBuild = null;
  }
  // FROM <stage>: the plan puts that stage's ONBUILD triggers first in the expanded steps.
  const stageTriggers = stage.base.kind === 'stage' ? (stage.onbuildTriggers?.length ?? 0) : 0;
  for (let j = 0; j < expanded.steps.length; j++) {
    const { instruction, env: envAfter } = expanded.steps[j];
    const trigger = j < stageTriggers;
    await runOne(instruction, envAfter, trigger ? 1000 + j : j - stageTriggers, trigger);
    if (j === stageTriggers - 1 && state.config.config) state.config.config.OnBuild = null;
  }
  return { state, expanded, image };
}

/** Parses and expands ONBUILD trigger texts against the base image env; errors point at FROM. */
function onbuildSteps(triggers: string[], baseEnv: string[], range: { start: number; end: number }) {
  try {
    const plan = createBuildPlan(`FROM scratch\n${triggers.join('\n')}\n`);
    return expandStage(plan, 0, { baseEnv }).steps.map((s) => ({ ...s, instruction: { ...s.instruction, range } as Instruction }));
  } catch (err) {
    throw new EngineError(ErrorCodes.INVALID_ARGUMENT, `the base image's ONBUILD triggers cannot be used: ${(err as Error).message}`, { range });
  }
}

function emptyState(config: StageState['config'], key: string, created: string): StageState {
  return { config, layers: [], key, rebuilt: false, dirty: false, args: [], env: [], shell: config.config?.Shell ?? DEFAULT_SHELL, cmdSet: false, lastCreated: created };
}

function matchesFilter(env: StageEnv, stage: Stage): string | undefined {
  const list = env.noCacheFilter ?? [];
  return list.find((f) => f.toLowerCase() === stage.name || f === String(stage.index));
}

/** A read-only view of another stage's or an image's rootfs (released after the step). */
async function view(env: StageEnv, current: number, from: string, views: ActiveSnapshot[]): Promise<{ root: string; identity: string; name: string }> {
  const idx = stageRef(env.plan, from, current);
  let layers;
  let identity: string;
  let name: string;
  if (idx !== undefined) {
    const r = await env.stage(idx);
    layers = r.state.layers;
    identity = `stage:${r.state.key}`;
    name = `stage ${env.plan.stages[idx].name ?? idx}`;
  } else {
    const img = await env.resolveImage(from);
    layers = img.manifest.layers.map((d, i) => ({ descriptor: d, diffId: img.config.rootfs.diff_ids[i] }));
    identity = `image:${img.id}`;
    name = `image ${from}`;
  }
  const snap = await env.step.snapshotter.prepare({ parents: snapshotParents(layers), label: `view of ${name}` });
  views.push(snap);
  return { root: snap.rootfs, identity, name };
}

async function sourceRoot(env: StageEnv, current: number, from: string, views: ActiveSnapshot[]): Promise<SourceRoot> {
  const v = await view(env, current, from, views);
  return { kind: 'rootfs', root: v.root, name: v.name };
}

async function bindSource(env: StageEnv, current: number, m: DockerfileMount, views: ActiveSnapshot[]): Promise<{ hostPath: string; identity: string }> {
  const source = m.source ?? '/';
  if (m.from !== undefined) {
    const v = await view(env, current, m.from, views);
    return { hostPath: await resolveInRoot(v.root, source), identity: `${v.identity}:${source}` };
  }
  const ctx = await env.context();
  const root: SourceRoot = { kind: 'context', ctx };
  const matches = await matchSource(root, source, { instruction: 'RUN --mount=type=bind' });
  const entries = await walkMatches(root, matches, []);
  const sums = await checksumFiles(entries.map((e) => ({ rel: e.rel, abs: e.abs })), { resetOwner: true });
  await fs.access(matches[0].abs);
  return { hostPath: matches[0].abs, identity: `context:${source}:${filesDigest(sums)}` };
}

