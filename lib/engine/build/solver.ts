// The solver: BuildRequest -> image. Loads the definition and the context, schedules the
// stages the target needs (independent ones concurrently), runs their steps through the cache
// and exports the target stage as an image. See build.ts for the lifecycle.
import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EngineError, ErrorCodes, isEngineError } from '../errors.ts';
import { createBuildPlan, type BuildPlan } from '../dockerfile/index.ts';
import { openContext, unpackContext, type BuildContext } from '../build-context/index.ts';
import { MAX_CONTEXT_BYTES, MAX_CONTEXT_ENTRIES } from '../limits.ts';
import type { BuildCache } from '../build-cache/cache.ts';
import type { ContentStore } from '../content-store/content-store.ts';
import type { Executor } from '../executor/executor.ts';
import type { Image, ImageStore } from '../image/image.ts';
import { parseReference, formatReference } from '../image/reference.ts';
import { nodeArchToOci } from '../image/config-builder.ts';
import { busyboxRefs, ensureBusybox } from '../base-images/base-images.ts';
import type { Snapshotter } from '../snapshot/snapshotter.ts';
import type { BuildEvent, EventSink } from '../progress/events.ts';
import { Progress } from '../progress/progress.ts';
import { CONTEXT_STATUS_ID } from '../progress/classic.ts';
import type { Builder, BuildRequest, BuildResult, StepSummary } from './build.ts';
import { runStage, stageRef, type StageEnv, type StageResult } from './stage-runner.ts';
import { exportImage } from './export-archive.ts';
import { dockerfileName as checkedDockerfileName, readContextDockerfile } from './dockerfile-source.ts';
import { withWriteLease } from '../content-store/write-leases.ts';

export type SolverDeps = {
  /** $LAB_ROOT: temp dirs for unpacked contexts go to $LAB_ROOT/tmp. */
  root: string;
  content: ContentStore;
  images: ImageStore;
  snapshotter: Snapshotter;
  cache: BuildCache;
  /** Absent on hosts without runc: RUN then fails with a clear message. */
  executor?: Executor;
};

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Lines around a range, for the error excerpt renderers print. */
function excerpt(text: string, range?: { start: number; end: number }): { line: number; text: string }[] | undefined {
  if (!range) return undefined;
  const lines = text.split('\n');
  const out = [];
  for (let n = Math.max(1, range.start - 2); n <= Math.min(lines.length, range.end + 1); n++) out.push({ line: n, text: lines[n - 1] });
  return out;
}

export class Solver implements Builder {
  constructor(private readonly deps: SolverDeps) {}

  /** FROM an image that is neither local nor built in: say what exists and how to get more. */
  private async baseNotFound(name: string): Promise<EngineError> {
    const builtIn = (await busyboxRefs()).map((r) => r.replace(/^docker\.io\/library\//, ''));
    const local = (await this.deps.images.list()).flatMap((i) => i.names).map((n) => n.replace(/^docker\.io\/library\//, '')).filter((n) => !builtIn.includes(n));
    const shown = local.slice(0, 8).join(', ') + (local.length > 8 ? `, … (${local.length} in all)` : '');
    return new EngineError(
      ErrorCodes.NOT_FOUND,
      `${name}: not found: this lab cannot reach Docker Hub or another public registry, so only local images can be a base. ` +
        `Built in: ${builtIn.join(', ')}.${local.length ? ` Yours: ${shown}.` : ''} ` +
        'Build or pull one (docker pull from the lab\'s registry), or load one with "lab load -i FILE".',
    );
  }

  /** Under a write lease: the layers it stores are unreferenced until its image and cache records exist. */
  build(req: BuildRequest, onEvent?: EventSink): Promise<BuildResult> {
    return withWriteLease(this.deps.content.root, () => this.buildNow(req, onEvent));
  }

  private async buildNow(req: BuildRequest, onEvent?: EventSink): Promise<BuildResult> {
    const progress = new Progress(onEvent);
    const started = Date.now();
    const buildId = randomBytes(8).toString('hex');
    const tags = (req.tags ?? []).map((t) => formatReference(parseReference(t)));
    const dockerfileName = req.dockerfilePath ?? 'Dockerfile';
    // refused before anything is read; a path given with the text still names the ignore file
    const namedInContext = req.dockerfilePath !== undefined || req.dockerfileText === undefined;
    if (namedInContext) checkedDockerfileName(dockerfileName);
    progress.emit({ type: 'build.started', buildId, dockerfile: dockerfileName, target: req.target, tags });
    const cleanups: (() => Promise<void>)[] = [];
    let text = '';
    try {
      const contextDir = await this.contextDir(req, cleanups);
      // 1. the build definition
      const def = progress.vertex(`[internal] load build definition from ${path.basename(dockerfileName)}`, { internal: true });
      try {
        text = req.dockerfileText ?? (await this.readDockerfile(contextDir, dockerfileName));
        def.status('dockerfile', `transferring dockerfile: ${Buffer.byteLength(text)}B`, { done: true });
        def.done();
      } catch (err) {
        def.error(isEngineError(err) ? err.code : ErrorCodes.INTERNAL, (err as Error).message);
        throw err;
      }
      const plan = createBuildPlan(text, { target: req.target, buildArgs: req.buildArgs, file: dockerfileName });
      if (req.platform) {
        const host = `linux/${nodeArchToOci(process.arch)}`;
        if (req.platform !== 'linux' && req.platform !== host && !req.platform.startsWith(`${host}/`)) {
          throw new EngineError(ErrorCodes.INVALID_ARGUMENT, `--platform=${req.platform}: this builder only builds ${host} images (no emulation here)`);
        }
      }
      // 2. .dockerignore and the context (opened once, sized when some step reads it)
      let ctxPromise: Promise<BuildContext> | undefined;
      const context = () =>
        (ctxPromise ??= (async () => {
          const ign = progress.vertex('[internal] load .dockerignore', { internal: true });
          const ctx = await openContext(contextDir, { dockerfile: namedInContext ? path.resolve(contextDir, checkedDockerfileName(dockerfileName)) : undefined });
          ign.status('ignore', `transferring context: ${ctx.ignoreFile ? (await fs.stat(ctx.ignoreFile.path).catch(() => ({ size: 0 }))).size : 0}B`, { done: true });
          ign.done();
          const load = progress.vertex('[internal] load build context', { internal: true });
          const report = await ctx.report({ top: 1 });
          load.status(CONTEXT_STATUS_ID, 'transferring context:', { current: report.totalBytes, done: true });
          load.done();
          return ctx;
        })());
      if (this.usesContext(plan)) await context();

      // 3. stages
      const created = rfc3339(req.sourceDateEpoch !== undefined ? req.sourceDateEpoch * 1000 : Date.now());
      const summaries: StepSummary[] = [];
      const abort = new AbortController();
      if (req.signal) req.signal.addEventListener('abort', () => abort.abort(), { once: true });
      const globalStart = new Map<number, number>();
      let g = 1;
      for (const i of [...plan.needed].sort((a, b) => a - b)) {
        globalStart.set(i, g);
        g += 1 + plan.stages[i].instructions.length;
      }
      const results = new Map<number, Promise<StageResult>>();
      const resolved = new Map<string, Promise<Image>>();
      const env: StageEnv = {
        plan,
        progress,
        images: this.deps.images,
        executor: this.deps.executor,
        context,
        secrets: req.secrets,
        globalStart,
        globalTotal: g - 1,
        summaries,
        signal: abort.signal,
        noCacheFilter: req.noCacheFilter,
        tmpDir: await this.tmpDir(),
        step: {
          content: this.deps.content,
          cache: this.deps.cache,
          snapshotter: this.deps.snapshotter,
          buildName: tags[0] ?? contextDir,
          dockerfile: dockerfileName,
          noCache: !!req.noCache,
          created,
          sourceDateEpoch: req.sourceDateEpoch,
          signal: abort.signal,
        },
        resolveImage: (ref) => {
          let p = resolved.get(ref);
          if (!p) resolved.set(ref, (p = this.resolveImage(ref, progress)));
          return p;
        },
        stage: (i) => {
          let p = results.get(i);
          if (!p) {
            results.set(i, (p = runStage(env, i)));
            p.catch(() => abort.abort());
          }
          return p;
        },
      };
      for (const i of plan.needed) void env.stage(i).catch(() => undefined);
      const settled = await Promise.allSettled(plan.needed.map((i) => env.stage(i)));
      const failed = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
      if (failed) throw pickError(settled);
      const final = (settled[plan.needed.indexOf(plan.target)] as PromiseFulfilledResult<StageResult>).value;

      // 4. export
      const ex = progress.vertex('exporting to image', { internal: true });
      const config = final.state.config;
      config.created = final.state.lastCreated;
      ex.status('layers', 'exporting layers', { done: true });
      const image = await this.deps.images.putImage({ config, layers: final.state.layers, tags });
      ex.status('manifest', `writing image ${image.id}`, { done: true });
      for (const t of tags) ex.status(`name:${t}`, `naming to ${t}`, { done: true });
      if (req.output && req.output.type !== 'image') {
        const out = req.output;
        await exportImage(this.deps.images, image, out.type, out.stream, { tags, tmpDir: await this.tmpDir(), sourceDateEpoch: req.sourceDateEpoch });
        ex.status('output', `sending ${out.type} tarball`, { done: true });
      }
      ex.done();
      const durationMs = Date.now() - started;
      progress.emit({ type: 'build.done', durationMs, imageId: image.id, manifestDigest: image.target.digest, tags });
      summaries.sort((a, b) => a.stage - b.stage || a.index - b.index);
      return { imageId: image.id, manifestDigest: image.target.digest, tags, steps: summaries, durationMs };
    } catch (err) {
      const e = isEngineError(err) ? err : new EngineError(ErrorCodes.INTERNAL, (err as Error)?.message ?? String(err), { cause: err });
      const failEvent: BuildEvent = { type: 'build.error', time: Date.now(), durationMs: Date.now() - started, code: e.code, message: e.message, range: e.range, excerpt: excerpt(text, e.range) };
      progress.emit(failEvent);
      throw e;
    } finally {
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
    }
  }

  private async tmpDir(): Promise<string> {
    const tmp = path.join(this.deps.root, 'tmp');
    await fs.mkdir(tmp, { recursive: true });
    return tmp;
  }

  /** The context as a directory: as given, or a tar unpacked into $LAB_ROOT/tmp. */
  private async contextDir(req: BuildRequest, cleanups: (() => Promise<void>)[]): Promise<string> {
    if (req.context.kind === 'dir') return path.resolve(req.context.path);
    const tmp = path.join(this.deps.root, 'tmp');
    await fs.mkdir(tmp, { recursive: true });
    const dir = await fs.mkdtemp(path.join(tmp, `context-${process.pid}-`)); // owner pid: swept after a crash
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    await unpackContext(fsSync.createReadStream(req.context.path), dir, { maxBytes: MAX_CONTEXT_BYTES, maxEntries: MAX_CONTEXT_ENTRIES });
    return dir;
  }

  private async readDockerfile(dir: string, name: string): Promise<string> {
    return readContextDockerfile(dir, name);
  }

  private usesContext(plan: BuildPlan): boolean {
    return plan.needed.some((i) =>
      plan.stages[i].instructions.some((ins) =>
        ((ins.kind === 'COPY' && ins.from === undefined) || ins.kind === 'ADD') && ins.sources.length > 0
          ? true
          : ins.kind === 'RUN' && ins.mounts.some((m) => m.type === 'bind' && m.from === undefined),
      ),
    );
  }

  private async resolveImage(ref: string, progress: Progress): Promise<Image> {
    let name: string;
    try {
      name = formatReference(parseReference(ref));
    } catch (err) {
      // not a reference: maybe an image ID (docker's local lookup accepts those)
      const byId = await this.deps.images.find(ref);
      if (byId) return byId;
      throw err;
    }
    const v = progress.vertex(`[internal] load metadata for ${name}`, { internal: true });
    try {
      let img = await this.deps.images.find(name);
      if (!img && (await busyboxRefs()).includes(name)) {
        await ensureBusybox(this.deps.images);
        img = await this.deps.images.find(name);
      }
      if (!img) throw await this.baseNotFound(name);
      v.done();
      return img;
    } catch (err) {
      v.error(isEngineError(err) ? err.code : ErrorCodes.INTERNAL, (err as Error).message);
      throw err;
    }
  }
}

/** The error to report: a real failure rather than a stage cancelled because of it. */
function pickError(settled: PromiseSettledResult<StageResult>[]): unknown {
  const errors = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as Error);
  return errors.find((e) => !/cancel/i.test(e.message)) ?? errors[0];
}

export { stageRef };
