// Copy snapshotter for hosts without OverlayFS (BuildKit's native snapshotter, kaniko):
// compose the parent chain's rootfs once, copy it for the step, compare afterwards.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ContentStore, Digest } from '../content-store/content-store.ts';
import { digestHex } from '../content-store/digest.ts';
import { EngineError } from '../errors.ts';
import { applyLayer } from '../layer/apply-layer.ts';
import { writeLayer } from '../layer/layer-writer.ts';
import { treeChanges } from '../layer/tree-changes.ts';
import { duBytes } from './layer-cache.ts';
import { sweepActive, sweepTemps, tempName, writeOwner } from './sweep.ts';
import { removeExcluded } from './overlay-snapshotter.ts';
import type { ActiveSnapshot, CommitOptions, LayerRef, LayerResult, PrepareOptions, Snapshotter, SnapshotterOptions } from './snapshotter.ts';

const execFileP = promisify(execFile);

/** OCI chainID: ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). */
export function chainId(diffIds: Digest[]): Digest {
  let id = diffIds[0];
  for (const d of diffIds.slice(1)) id = `sha256:${createHash('sha256').update(`${id} ${d}`).digest('hex')}`;
  return id;
}

async function copyTree(from: string, to: string): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  try {
    await execFileP('cp', ['-a', '--reflink=auto', `${from}/.`, to]);
  } catch (err) {
    throw new EngineError('SNAPSHOT_ERROR', `copying the parent rootfs failed: ${(err as { stderr?: string }).stderr ?? err}`, { cause: err });
  }
}

export class CopySnapshotter implements Snapshotter {
  readonly kind = 'copy' as const;
  readonly root: string;
  private store: ContentStore;
  private ready: Promise<void> | undefined;
  private inflight = new Map<Digest, Promise<string>>();

  constructor(opts: SnapshotterOptions) {
    this.root = path.resolve(opts.root);
    this.store = opts.store;
  }

  private get chainsDir(): string {
    return path.join(this.root, 'chains');
  }

  init(): Promise<void> {
    this.ready ??= (async () => {
      await sweepActive(path.join(this.root, 'active'));
      await fs.mkdir(this.chainsDir, { recursive: true });
      await sweepTemps(this.chainsDir);
      await fs.mkdir(path.join(this.root, 'empty'), { recursive: true });
    })();
    return this.ready;
  }

  /** The composed rootfs of a parent chain (built once from the layer blobs). */
  async chainDir(parents: LayerRef[]): Promise<string> {
    await this.init();
    if (parents.length === 0) return path.join(this.root, 'empty');
    const id = chainId(parents.map((p) => p.diffId));
    const dir = path.join(this.chainsDir, digestHex(id));
    if (await exists(`${dir}.json`)) return dir;
    let p = this.inflight.get(id);
    if (!p) {
      p = this.compose(parents, dir).finally(() => this.inflight.delete(id));
      this.inflight.set(id, p);
    }
    return p;
  }

  private async compose(parents: LayerRef[], dir: string): Promise<string> {
    const below = await this.chainDir(parents.slice(0, -1));
    const tmp = path.join(this.chainsDir, tempName(randomBytes(6).toString('hex')));
    try {
      await copyTree(below, tmp);
      const top = parents[parents.length - 1];
      const res = await applyLayer(await this.store.createReadStream(top.digest), tmp, { mode: 'rootfs' });
      if (res.diffId !== top.diffId) {
        throw new EngineError('DIGEST_MISMATCH', `layer ${top.digest} unpacks to ${res.diffId}, but the image config says ${top.diffId}; the image is inconsistent, pull or build it again`);
      }
      await this.adoptChain(tmp, dir, parents.map((p) => p.diffId));
      return dir;
    } catch (err) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  private async adoptChain(from: string, dir: string, diffIds: Digest[]): Promise<void> {
    if (await exists(`${dir}.json`)) {
      await fs.rm(from, { recursive: true, force: true });
      return;
    }
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(from, dir);
    await fs.writeFile(`${dir}.json`, JSON.stringify({ diffIds }));
  }

  async ensureUnpacked(layers: LayerRef[]): Promise<void> {
    await this.chainDir(layers);
  }

  async prepare(opts: PrepareOptions): Promise<ActiveSnapshot> {
    const parentDir = await this.chainDir(opts.parents);
    const base = path.join(this.root, 'active', randomBytes(6).toString('hex'));
    const rootfs = path.join(base, 'rootfs');
    try {
      await fs.mkdir(base, { recursive: true });
      await writeOwner(base);
      await copyTree(parentDir, rootfs);
      if (opts.label) await fs.writeFile(path.join(base, 'label'), opts.label);
    } catch (err) {
      await fs.rm(base, { recursive: true, force: true });
      throw err;
    }
    return new CopyActive(this, path.basename(base), base, rootfs, parentDir, opts.parents);
  }

  async commitTree(rootfs: string, parentDir: string, parents: LayerRef[], opts: CommitOptions): Promise<LayerResult> {
    await removeExcluded(rootfs, opts.exclude);
    const set = await treeChanges(parentDir, rootfs);
    const layer = await writeLayer(this.store, set, { ...opts, exclude: undefined });
    const ids = [...parents.map((p) => p.diffId), layer.diffId];
    await this.adoptChain(rootfs, path.join(this.chainsDir, digestHex(chainId(ids))), ids);
    return layer;
  }

  /** Composed chains, keyed by their chainID (not a diffId) with disk usage. */
  async listUnpacked(): Promise<{ diffId: Digest; bytes: number }[]> {
    await this.init();
    const out: { diffId: Digest; bytes: number }[] = [];
    for (const name of await fs.readdir(this.chainsDir)) {
      const m = /^([a-f0-9]{64})\.json$/.exec(name);
      if (m) out.push({ diffId: `sha256:${m[1]}`, bytes: await duBytes(path.join(this.chainsDir, m[1])) });
    }
    return out;
  }

  /** Removes composed chains that contain a layer not in `keep`. */
  async prune(keep: Iterable<Digest>): Promise<Digest[]> {
    await this.init();
    const keepSet = new Set(keep);
    const removed: Digest[] = [];
    for (const name of await fs.readdir(this.chainsDir)) {
      const m = /^([a-f0-9]{64})\.json$/.exec(name);
      if (!m) continue;
      const { diffIds } = JSON.parse(await fs.readFile(path.join(this.chainsDir, name), 'utf8')) as { diffIds: Digest[] };
      if (diffIds.every((d) => keepSet.has(d))) continue;
      await fs.rm(path.join(this.chainsDir, name), { force: true });
      await fs.rm(path.join(this.chainsDir, m[1]), { recursive: true, force: true });
      removed.push(`sha256:${m[1]}`);
    }
    return removed;
  }
}

class CopyActive implements ActiveSnapshot {
  readonly upperdir: string;
  private state: 'active' | 'committed' | 'released' = 'active';

  constructor(
    private owner: CopySnapshotter,
    readonly id: string,
    private base: string,
    readonly rootfs: string,
    private parentDir: string,
    private parents: LayerRef[],
  ) {
    this.upperdir = rootfs;
  }

  async commit(opts: CommitOptions = {}): Promise<LayerResult> {
    if (this.state !== 'active') throw new EngineError('FAILED_PRECONDITION', `snapshot ${this.id} was already ${this.state}`);
    this.state = 'committed';
    return this.owner.commitTree(this.rootfs, this.parentDir, this.parents, opts);
  }

  async release(): Promise<void> {
    if (this.state === 'released') return;
    this.state = 'released';
    await fs.rm(this.base, { recursive: true, force: true });
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}
