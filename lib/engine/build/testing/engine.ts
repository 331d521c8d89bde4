// Test harness: a whole engine (store, images, snapshots, cache, runc executor) in a temp dir,
// plus helpers to write a context and build it. Uses the real snapshotters when they exist.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OciLayoutStore } from '../../content-store/oci-layout-store.ts';
import { createImageStore } from '../../image/layout-image-store.ts';
import { FileBuildCache } from '../../build-cache/file-cache.ts';
import { RuncExecutor } from '../../executor/runc-executor.ts';
import type { ExecLimits } from '../../executor/executor.ts';
import { overlayUnavailableReason, runcUnavailableReason } from '../../executor/testing/busybox-rootfs.ts';
import { OverlaySnapshotter } from '../../snapshot/overlay-snapshotter.ts';
import { CopySnapshotter } from '../../snapshot/copy-snapshotter.ts';
import type { Snapshotter } from '../../snapshot/snapshotter.ts';
import type { BuildEvent } from '../../progress/events.ts';
import { Solver } from '../solver.ts';
import type { BuildRequest, BuildResult } from '../build.ts';

export const runcMissing = runcUnavailableReason();
export const isRoot = process.getuid?.() === 0;

export type TestEngine = {
  root: string;
  solver: Solver;
  store: OciLayoutStore;
  images: ReturnType<typeof createImageStore>;
  cache: FileBuildCache;
  snapshotter: Snapshotter;
  /** Write files into a fresh context dir (name -> content). */
  context(files: Record<string, string>): Promise<string>;
  build(ctx: string, req?: Partial<BuildRequest>): Promise<{ result: BuildResult; events: BuildEvent[] }>;
  /** Build, expecting failure; returns the error and the events. */
  fail(ctx: string, req?: Partial<BuildRequest>): Promise<{ error: Error & { code?: string }; events: BuildEvent[] }>;
  dispose(): Promise<void>;
};

/** OverlayFS when this host mounts it (set LAB_TEST_SNAPSHOTTER=copy to force the copy one). */
export const snapshotterKind: 'overlay' | 'copy' = process.env.LAB_TEST_SNAPSHOTTER === 'copy' || overlayUnavailableReason() ? 'copy' : 'overlay';

async function makeSnapshotter(root: string, store: OciLayoutStore): Promise<Snapshotter> {
  const s = snapshotterKind === 'overlay' ? new OverlaySnapshotter({ root, store }) : new CopySnapshotter({ root, store });
  await s.init();
  return s;
}

export async function createTestEngine(name: string, opts: { limits?: Partial<ExecLimits> } = {}): Promise<TestEngine> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), `lab-build-${name}-`));
  const store = new OciLayoutStore(path.join(root, 'store'));
  const images = createImageStore(store);
  const cache = new FileBuildCache(path.join(root, 'cache'));
  const snapshotter = await makeSnapshotter(path.join(root, 'snapshots'), store);
  const executor = runcMissing ? undefined : new RuncExecutor({ root: path.join(root, 'exec'), defaults: { timeoutMs: 60_000, ...opts.limits } });
  const solver = new Solver({ root, content: store, images, snapshotter, cache, executor });
  let n = 0;
  const engine: TestEngine = {
    root,
    solver,
    store,
    images,
    cache,
    snapshotter,
    async context(files) {
      const dir = path.join(root, `ctx${n++}`);
      for (const [p, content] of Object.entries(files)) {
        await fs.mkdir(path.dirname(path.join(dir, p)), { recursive: true });
        await fs.writeFile(path.join(dir, p), content);
      }
      await fs.mkdir(dir, { recursive: true });
      return dir;
    },
    async build(ctx, req = {}) {
      const events: BuildEvent[] = [];
      const result = await solver.build({ context: { kind: 'dir', path: ctx }, ...req }, (e) => events.push(e));
      return { result, events };
    },
    async fail(ctx, req = {}) {
      const events: BuildEvent[] = [];
      try {
        await solver.build({ context: { kind: 'dir', path: ctx }, ...req }, (e) => events.push(e));
      } catch (error) {
        return { error: error as Error, events };
      }
      throw new Error('the build was expected to fail but succeeded');
    },
    async dispose() {
      await fs.rm(root, { recursive: true, force: true });
    },
  };
  return engine;
}

/** Per step: "CACHED" or the miss reason, keyed by the instruction text. */
export function cacheReport(events: BuildEvent[]): Record<string, string> {
  const names = new Map<number, string>();
  const out: Record<string, string> = {};
  for (const e of events) {
    if (e.type === 'vertex.started' && e.step && e.step.index > 1) names.set(e.vertex, e.instruction ?? e.name);
    if (e.type === 'vertex.cached' && names.has(e.vertex)) out[names.get(e.vertex)!] = 'CACHED';
    if (e.type === 'vertex.miss' && names.has(e.vertex)) out[names.get(e.vertex)!] = e.reason;
  }
  return out;
}
