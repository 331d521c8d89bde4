// One filesystem step (RUN, COPY, ADD, WORKDIR) with the cache around it: key from the parent's
// key and the inputs; a hit reuses the recorded layer; a miss says why, prepares a snapshot on
// the parent's layers, runs the step, commits the layer and records it.
import { randomBytes } from 'node:crypto';
import { serialisedBy } from '../content-store/file-queue.ts';
import { EngineError, ErrorCodes, isEngineError, type SourceRange } from '../errors.ts';
import type { BuildCache, StepInputs } from '../build-cache/cache.ts';
import { cacheKey, stepIdentity } from '../build-cache/cache-key.ts';
import { explainMiss } from '../build-cache/miss-reason.ts';
import type { ContentStore } from '../content-store/content-store.ts';
import { addHistory } from '../image/config-builder.ts';
import type { ActiveSnapshot, Snapshotter } from '../snapshot/snapshotter.ts';
import type { VertexHandle } from '../progress/progress.ts';
import type { StepSummary } from './build.ts';
import { snapshotParents, type StageState } from './stage-state.ts';

export type StepContext = {
  content: ContentStore;
  cache: BuildCache;
  snapshotter: Snapshotter;
  /** Identity of "this build" for miss explanations (first tag or context path). */
  buildName: string;
  dockerfile: string;
  /** --no-cache, or the stage is named by --no-cache-filter (then `filterName` is set). */
  noCache: boolean;
  filterName?: string;
  /** RFC 3339 time for history entries of steps that run now. */
  created: string;
  sourceDateEpoch?: number;
  signal?: AbortSignal;
};

export type FsStep = {
  vertex: VertexHandle;
  stage: { index: number; name?: string };
  /** Position of the instruction in its stage (1-based, FROM = 1) and the text shown. */
  index: number;
  keyword: string;
  instruction: string;
  line: SourceRange;
  inputs: StepInputs;
  /** History created_by; a function when it depends on whether a layer was made (WORKDIR). */
  createdBy: string | ((madeLayer: boolean) => string);
  /** COPY --link: the layer is made on an empty snapshot, independent of the parents. */
  independent?: boolean;
  /** A hard limit on the bytes the step writes (RUN: LAB_MAX_LAYER_BYTES); see PrepareOptions. */
  maxBytes?: number;
  run(snap: ActiveSnapshot): Promise<void>;
};

export function asStepError(err: unknown, range: SourceRange, file: string): EngineError {
  if (isEngineError(err)) {
    if (err.range) return err;
    const e = new EngineError(err.code, err.message, { range, file, cause: err });
    return e;
  }
  return new EngineError(ErrorCodes.INTERNAL, (err as Error)?.message ?? String(err), { range, file, cause: err });
}

/** Which earlier step this one is "the same as" (for miss reasons and COPY --from reuse). */
export function identityOf(ctx: StepContext, step: Pick<FsStep, 'stage' | 'index' | 'keyword'>): string {
  return stepIdentity({ name: ctx.buildName, dockerfile: ctx.dockerfile, stage: step.stage.name ?? String(step.stage.index), index: step.index, keyword: step.keyword });
}

function historyText(step: FsStep, madeLayer: boolean): string {
  return typeof step.createdBy === 'function' ? step.createdBy(madeLayer) : step.createdBy;
}

/**
 * Steps with the same cache key never run at once on one cache: the later one waits and then
 * finds the first one's record (CACHED), as BuildKit's solver shares one vertex between
 * concurrent jobs (solver/jobs.go). Without it, ten identical builds each run the step, make
 * layers differing by file times, and end with different image IDs.
 */
const cacheIds = new WeakMap<BuildCache, string>();
function cacheId(cache: BuildCache): string {
  let id = cacheIds.get(cache);
  if (!id) cacheIds.set(cache, (id = 'root' in cache && typeof cache.root === 'string' ? cache.root : randomBytes(8).toString('hex')));
  return id;
}

export async function runFsStep(ctx: StepContext, state: StageState, step: FsStep): Promise<StepSummary> {
  const key = cacheKey(state.key, step.inputs);
  return serialisedBy(`build-step ${cacheId(ctx.cache)} ${key}`, () => runFsStepNow(ctx, state, step, key));
}

async function runFsStepNow(ctx: StepContext, state: StageState, step: FsStep, key: string): Promise<StepSummary> {
  const started = Date.now();
  const identity = identityOf(ctx, step);
  const summary: StepSummary = { stage: step.stage.index, stageName: step.stage.name, index: step.index, instruction: step.instruction, line: step.line.start, cached: false, durationMs: 0 };
  try {
    const previous = await ctx.cache.recall(identity);
    let recordLost = false;
    if (!ctx.noCache) {
      const rec = await ctx.cache.get(key);
      if (rec && (!rec.layer || (await ctx.content.has(rec.layer.descriptor.digest)))) {
        if (rec.layer) state.layers.push({ descriptor: rec.layer.descriptor, diffId: rec.layer.diffId, uncompressedSize: rec.layer.uncompressedSize });
        addHistory(state.config, { createdBy: historyText(step, !!rec.layer), created: rec.created, diffId: rec.layer?.diffId });
        const parentKey = state.key;
        state.lastCreated = rec.created;
        state.key = key;
        state.rebuilt = false;
        await ctx.cache.remember({ identity, key, parentKey, inputs: step.inputs });
        step.vertex.cached(key);
        summary.cached = true;
        summary.layer = rec.layer && { digest: rec.layer.descriptor.digest, diffId: rec.layer.diffId, size: rec.layer.descriptor.size, contentSize: rec.layer.contentSize };
        summary.durationMs = Date.now() - started;
        return summary;
      }
      recordLost = rec !== undefined;
    }
    const reason = explainMiss(step.inputs, state.key, previous, { noCache: ctx.noCache && !ctx.filterName, noCacheFilter: ctx.filterName, parentRebuilt: state.rebuilt, recordLost });
    step.vertex.miss(reason);
    summary.missReason = reason;
    const snap = await ctx.snapshotter.prepare({ parents: step.independent ? [] : snapshotParents(state.layers), label: `${ctx.buildName} ${step.instruction}`, maxBytes: step.maxBytes });
    let result;
    try {
      await step.run(snap);
      result = await snap.commit({ sourceDateEpoch: ctx.sourceDateEpoch });
    } finally {
      await snap.release();
    }
    const layer = result.empty
      ? undefined
      : { descriptor: { mediaType: result.mediaType, digest: result.digest, size: result.size }, diffId: result.diffId, uncompressedSize: result.uncompressedSize, contentSize: result.contentSize };
    await ctx.cache.put({ key, layer, created: ctx.created });
    if (layer) state.layers.push(layer);
    addHistory(state.config, { createdBy: historyText(step, !!layer), created: ctx.created, diffId: layer?.diffId });
    await ctx.cache.remember({ identity, key, parentKey: state.key, inputs: step.inputs });
    state.key = key;
    state.rebuilt = true;
    state.dirty = true;
    state.lastCreated = ctx.created;
    summary.layer = layer && { digest: layer.descriptor.digest, diffId: layer.diffId, size: layer.descriptor.size, contentSize: layer.contentSize };
    summary.durationMs = Date.now() - started;
    step.vertex.done({ layer: summary.layer, resultId: key });
    return summary;
  } catch (err) {
    const e = asStepError(err, step.line, ctx.dockerfile);
    step.vertex.error(e.code, e.message, e.range);
    throw e;
  }
}
