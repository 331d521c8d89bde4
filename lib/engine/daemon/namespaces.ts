// Namespaces: one student's view of the shared engine (see daemon.ts, "Namespaces").
// A view has its own image names (<root>/namespaces/<ns>/index.json), its own build cache
// records (<root>/namespaces/<ns>/cache) and containers (<root>/namespaces/<ns>/containers);
// blobs, unpacked layers, the executor and the base images of the default namespace are shared.
import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.ts';
import { FileBuildCache } from '../build-cache/file-cache.ts';
import { LayoutImageStore } from '../image/layout-image-store.ts';
import { Solver } from '../build/solver.ts';
import type { Digest } from '../content-store/content-store.ts';
import type { Engine } from './engine.ts';
import type { Executor } from '../executor/executor.ts';
import { NamespaceIndexStore } from './namespace-index.ts';
import { RecordStore } from '../container/record-store.ts';

/** The namespace of the standalone `lab daemon` and of the direct CLI: the base engine itself. */
export const DEFAULT_NAMESPACE = 'default';
const NAMESPACE = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function validateNamespace(ns: string): string {
  if (!NAMESPACE.test(ns)) {
    throw new EngineError('INVALID_INPUT', `namespace "${ns}" is not valid: use 1-63 of a-z 0-9 _ - starting with a letter or digit`);
  }
  return ns;
}

/** The namespace of a signed-in user (their id, lower-cased). */
export function namespaceForUser(userId: string): string {
  const ns = validateNamespace(userId.toLowerCase());
  if (ns === DEFAULT_NAMESPACE) throw new EngineError('INVALID_INPUT', `user id "${userId}" collides with the default namespace`);
  return ns;
}

export function namespaceDir(root: string, ns: string): string {
  return path.join(root, 'namespaces', validateNamespace(ns));
}

const views = new WeakMap<Engine, Map<string, Engine>>();

/**
 * The engine as namespace `ns` sees it. "default" is the base engine itself. Views are cached
 * per base engine, so every caller in a process shares one image store per namespace.
 */
export function engineForNamespace(engine: Engine, ns: string): Engine {
  validateNamespace(ns);
  const base = engine.base ?? engine;
  if (ns === DEFAULT_NAMESPACE) return base;
  let byNs = views.get(base);
  if (!byNs) views.set(base, (byNs = new Map()));
  const known = byNs.get(ns);
  if (known) return known;
  const dir = namespaceDir(base.root, ns);
  const images = new LayoutImageStore(new NamespaceIndexStore(base.content, path.join(dir, 'index.json')), path.join(base.root, 'images'), base.images);
  const cache = new FileBuildCache(path.join(dir, 'cache'));
  const view: Engine = { ...base, namespace: ns, base, images, cache, containersDir: path.join(dir, 'containers'), builder: undefined };
  if (base.builder && base.snapshotter) {
    const executor = base.executor && scopedExecutor(base.executor, ns);
    view.builder = new Solver({ root: base.root, content: base.content, images, snapshotter: base.snapshotter, cache, executor });
  }
  byNs.set(ns, view);
  return view;
}

/** The shared executor with this namespace's RUN --mount=type=cache dirs (run-mounts.ts). */
function scopedExecutor(executor: Executor, ns: string): Executor {
  return {
    run: (req) => executor.run({ ...req, cacheScope: ns }),
    runContainer: (req) => executor.runContainer({ ...req, cacheScope: ns }),
    sweep: () => executor.sweep(),
  };
}

/** Namespaces that have state on disk (not counting the default one). */
export async function listNamespaces(root: string): Promise<string[]> {
  const names = await fs.readdir(path.join(root, 'namespaces')).catch(() => [] as string[]);
  return names.filter((n) => NAMESPACE.test(n) && n !== DEFAULT_NAMESPACE).sort();
}

/**
 * What garbage collection must keep, over EVERY namespace: manifests named anywhere, layers of
 * every build cache record and of every container (its image may be gone: `rmi` does not stop
 * a running container), and the diff_ids of all those images and containers (unpacked layers
 * mounted as lowerdirs, to keep).
 */
export async function allNamespaceRoots(engine: Engine): Promise<{ roots: Digest[]; diffIds: Set<string> }> {
  const base = engine.base ?? engine;
  const engines = [base, ...(await listNamespaces(base.root)).map((ns) => engineForNamespace(base, ns))];
  const roots = new Set<Digest>();
  const diffIds = new Set<string>();
  for (const e of engines) {
    for (const d of await e.images.roots()) roots.add(d);
    for (const d of await e.cache.roots()) roots.add(d);
    for (const img of await e.images.list()) for (const id of img.config.rootfs.diff_ids) diffIds.add(id);
    for (const c of await new RecordStore(e.containersDir).all()) {
      for (const l of c.layers) {
        roots.add(l.digest);
        diffIds.add(l.diffId);
      }
    }
  }
  return { roots: [...roots], diffIds };
}
