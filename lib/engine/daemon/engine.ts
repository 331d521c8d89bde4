// The composition root: the one place that builds the engine's parts from $LAB_ROOT.
// Everything else receives its parts as arguments (no globals), so tests use temp dirs.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { OciLayoutStore } from '../content-store/oci-layout-store.ts';
import { FileBuildCache } from '../build-cache/file-cache.ts';
import { createImageStore, type LayoutImageStore } from '../image/layout-image-store.ts';
import { ensureBusybox } from '../base-images/busybox-image.ts';
import type { Builder } from '../build/build.ts';
import type { Executor } from '../executor/executor.ts';
import type { Snapshotter } from '../snapshot/snapshotter.ts';
import { OverlaySnapshotter } from '../snapshot/overlay-snapshotter.ts';
import { CopySnapshotter } from '../snapshot/copy-snapshotter.ts';
import { Solver } from '../build/solver.ts';
import { ownerGone } from '../snapshot/sweep.ts';

const run = promisify(execFile);

export interface Engine {
  root: string;
  content: OciLayoutStore;
  images: LayoutImageStore;
  cache: FileBuildCache;
  snapshotter?: Snapshotter;
  executor?: Executor;
  builder?: Builder;
  /** Why there is no builder (missing snapshotter module, not root...), for a clear error. */
  builderProblem?: string;
  tmpDir: string;
  /** Whose view this is: undefined for the default namespace (the base images live there). */
  namespace?: string;
  /** For a namespace view: the default-namespace engine it shares blobs and layers with. */
  base?: Engine;
  /** Where this namespace's containers keep their state (A2's container store). */
  containersDir: string;
}

export interface OpenEngineOptions {
  root: string;
  /** Construct snapshotter, executor and solver (and sweep leftovers). Default true. */
  withBuilder?: boolean;
  /** Build busybox:latest when missing (needs root and busybox-static). Default true. */
  ensureBaseImages?: boolean;
  /** 'overlay' | 'copy'; default $LAB_SNAPSHOTTER or overlay when it works here. */
  snapshotter?: string;
}

export async function openEngine(opts: OpenEngineOptions): Promise<Engine> {
  const root = path.resolve(opts.root);
  const tmpDir = path.join(root, 'tmp');
  await fs.mkdir(tmpDir, { recursive: true });
  const content = new OciLayoutStore(path.join(root, 'store'));
  await content.init();
  const images = createImageStore(content, { metaDir: path.join(root, 'images') });
  const cache = new FileBuildCache(path.join(root, 'cache'));
  const engine: Engine = { root, content, images, cache, tmpDir, containersDir: path.join(root, 'containers') };
  if (opts.ensureBaseImages !== false && process.getuid?.() === 0) {
    await ensureBusybox(images).catch((err) => {
      engine.builderProblem = `busybox:latest could not be built: ${(err as Error).message}`;
    });
  }
  if (opts.withBuilder === false) return engine;
  await sweepTmp(tmpDir, 3600_000);
  try {
    engine.executor = await createExecutor(path.join(root, 'exec'));
    engine.snapshotter = await createSnapshotter(path.join(root, 'snapshots'), content, opts.snapshotter ?? process.env.LAB_SNAPSHOTTER);
    await engine.snapshotter.init();
    await engine.executor?.sweep();
    engine.builder = new Solver({ root, content, images, snapshotter: engine.snapshotter, cache, executor: engine.executor });
  } catch (err) {
    engine.builderProblem = `the builder is not available: ${(err as Error).message}`;
  }
  return engine;
}

async function createExecutor(root: string): Promise<Executor | undefined> {
  try {
    await run('runc', ['--version']);
  } catch {
    return undefined; // RUN then fails with the solver's message about runc
  }
  const { RuncExecutor } = await import('../executor/runc-executor.ts');
  return new RuncExecutor({ root });
}

/** OverlayFS when a test mount works here (root, kernel support), else the copy snapshotter. */
async function createSnapshotter(root: string, store: OciLayoutStore, kind?: string): Promise<Snapshotter> {
  if (kind && kind !== 'overlay' && kind !== 'copy') throw new Error(`LAB_SNAPSHOTTER=${kind}: use overlay or copy`);
  const useOverlay = kind ? kind === 'overlay' : await overlayWorks(root);
  return useOverlay ? new OverlaySnapshotter({ root, store }) : new CopySnapshotter({ root, store });
}

async function overlayWorks(root: string): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  await fs.mkdir(root, { recursive: true });
  const dir = await fs.mkdtemp(path.join(root, 'probe-'));
  const [lower, upper, work, merged] = ['l', 'u', 'w', 'm'].map((n) => path.join(dir, n));
  try {
    for (const d of [lower, upper, work, merged]) await fs.mkdir(d);
    await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged]);
    await run('umount', [merged]);
    return true;
  } catch {
    return false;
  } finally {
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Leftovers of killed processes in $LAB_ROOT/tmp: names with an owner pid (context-<pid>-…,
 * export-<pid>-…, add-<pid>-…) go as soon as that process is gone (snapshot/sweep.ts's rule); others
 * (loads) when older than maxAgeMs.
 */
export async function sweepTmp(dir: string, maxAgeMs: number): Promise<number> {
  let removed = 0;
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const p = path.join(dir, name);
    const st = await fs.lstat(p).catch(() => undefined);
    const owner = /^(?:context|export|add)-(\d+)-/.exec(name);
    const gone = owner ? Number(owner[1]) !== process.pid && ownerGone(Number(owner[1])) : false;
    if (st && (gone || (!owner && Date.now() - st.mtimeMs >= maxAgeMs))) {
      await fs.rm(p, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
