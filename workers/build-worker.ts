// The job handler that runs a real engine build: the engine is composed by the daemon's
// composition root (openEngine), so a worker builds exactly like `lab daemon` does, on the same
// $LAB_ROOT layout (store, cache, snapshots). Opening the engine also sweeps mounts, runc
// containers and temp files a killed worker left behind.
import { EngineError } from '../lib/engine/errors.ts';
import { openEngine, type Engine, type OpenEngineOptions } from '../lib/engine/daemon/engine.ts';
import { engineForNamespace, namespaceForUser } from '../lib/engine/daemon/namespaces.ts';
import { buildSlots } from '../lib/engine/daemon/build-slots.ts';
import type { BuildRequest } from '../lib/engine/build/build.ts';
import type { BuildJob, JobContext, JobHandler, JobResult } from './queue.ts';
import { lockWorkerRoot } from './root-lock.ts';
import { hostPathScrubber, scrubEvent } from '../lib/engine/daemon/host-paths.ts';

/** BuildJob -> the engine's BuildRequest (the context is a directory on this host). */
export function buildRequestFor(job: BuildJob, signal?: AbortSignal): BuildRequest {
  return {
    context: { kind: 'dir', path: job.contextDir },
    dockerfilePath: job.dockerfile,
    target: job.target,
    buildArgs: job.buildArgs,
    tags: job.tags,
    noCache: job.noCache,
    signal,
  };
}

/**
 * A handler over an open engine: the build runs in the job owner's namespace (their images and
 * build cache, as their terminal's daemon socket sees them); every progress event goes to the
 * job's log.
 */
export function createBuildHandler(base: Engine): JobHandler {
  return async (job: BuildJob, ctx: JobContext): Promise<JobResult> => {
    const ns = namespaceForUser(job.owner);
    const engine = engineForNamespace(base, ns);
    if (!engine.builder) {
      throw new EngineError('UNAVAILABLE', engine.builderProblem ?? 'this worker cannot build (no snapshotter or executor)');
    }
    // the same per-namespace slots as the daemon's terminal builds (in this process)
    const release = await buildSlots.acquire(ns, ctx.signal);
    // what the student sees (the job's log, the error) never shows the host's directories
    const scrub = hostPathScrubber([base.root], [job.contextDir]);
    const result = await engine.builder.build(buildRequestFor(job, ctx.signal), (e) => ctx.emit(scrubEvent(e, scrub))).catch((err: unknown) => {
      if (err instanceof EngineError) throw new EngineError(err.code, scrub(err.message), { range: err.range, file: err.file });
      throw err;
    }).finally(release);
    return { imageId: result.imageId, manifestDigest: result.manifestDigest, tags: result.tags, durationMs: result.durationMs };
  };
}

/**
 * Opens the engine at `root` ($LAB_ROOT) (or takes one already open on it) and returns the build handler for it. Holds the root's
 * worker lock (root-lock.ts) until release(): one worker process per root.
 */
export async function openBuildWorker(opts: OpenEngineOptions & { engine?: Engine }): Promise<{ engine: Engine; handler: JobHandler; release(): Promise<void> }> {
  const lock = await lockWorkerRoot(opts.root);
  try {
    // The web server passes the engine it already opened: one set of stores per process.
    const engine = opts.engine ?? (await openEngine(opts));
    return { engine, handler: createBuildHandler(engine), release: lock.release };
  } catch (err) {
    await lock.release();
    throw err;
  }
}
