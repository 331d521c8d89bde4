// The unpacked-layer cache: each layer extracted once into $root/layers/<diffId hex>/ in
// OverlayFS lowerdir form, with a sidecar <hex>.json (opaque dirs) and a short symlink
// $root/l/<8+ hex> -> ../layers/<hex> that keeps the mount option short.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ContentStore, Digest } from '../content-store/content-store.ts';
import { digestHex } from '../content-store/digest.ts';
import { serialisedByFile } from '../content-store/file-queue.ts';
import { EngineError } from '../errors.ts';
import { applyLayer } from '../layer/apply-layer.ts';
import type { LowerDir } from '../layer/upperdir-changes.ts';
import type { LayerRef } from './snapshotter.ts';
import { sweepTemps, tempName } from './sweep.ts';

const execFileP = promisify(execFile);

interface Sidecar {
  diffId: Digest;
  digest?: Digest;
  short: string;
  opaqueDirs: string[];
}

export class LayerCache {
  private inflight = new Map<Digest, Promise<void>>();
  private sidecars = new Map<Digest, Sidecar>();

  constructor(
    readonly root: string,
    private store: ContentStore,
  ) {}

  get layersDir(): string {
    return path.join(this.root, 'layers');
  }

  dir(diffId: Digest): string {
    return path.join(this.layersDir, digestHex(diffId));
  }

  async init(): Promise<void> {
    await fs.mkdir(this.layersDir, { recursive: true });
    await fs.mkdir(path.join(this.root, 'l'), { recursive: true });
    await sweepTemps(this.layersDir); // half-extracted layers of a killed process
  }

  async has(diffId: Digest): Promise<boolean> {
    return fs.access(path.join(this.layersDir, `${digestHex(diffId)}.json`)).then(
      () => true,
      () => false,
    );
  }

  async sidecar(diffId: Digest): Promise<Sidecar> {
    let s = this.sidecars.get(diffId);
    if (!s) {
      const raw = await fs.readFile(path.join(this.layersDir, `${digestHex(diffId)}.json`), 'utf8').catch(() => {
        throw new EngineError('SNAPSHOT_ERROR', `layer ${diffId} is not unpacked`);
      });
      s = JSON.parse(raw) as Sidecar;
      this.sidecars.set(diffId, s);
    }
    return s;
  }

  /** "l/<short>": the lowerdir entry, relative to the snapshot root. */
  async shortPath(diffId: Digest): Promise<string> {
    return `l/${(await this.sidecar(diffId)).short}`;
  }

  async lowerDirs(parents: LayerRef[]): Promise<LowerDir[]> {
    const out: LowerDir[] = [];
    for (const p of [...parents].reverse()) {
      out.push({ dir: this.dir(p.diffId), opaqueDirs: new Set((await this.sidecar(p.diffId)).opaqueDirs) });
    }
    return out;
  }

  /** A unique short name for the symlink, at least 8 hex characters of the diffId. */
  private async linkShort(diffId: Digest): Promise<string> {
    const hex = digestHex(diffId);
    for (let n = 8; n <= hex.length; n++) {
      const short = hex.slice(0, n);
      const link = path.join(this.root, 'l', short);
      const target = `../layers/${hex}`;
      const existing = await fs.readlink(link).catch(() => undefined);
      if (existing === target) return short;
      if (existing === undefined) {
        await fs.symlink(target, link).catch(async (err) => {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || (await fs.readlink(link)) !== target) throw err;
        });
        return short;
      }
    }
    throw new EngineError('INTERNAL', `no short name for ${diffId}`);
  }

  /**
   * Registers a directory already in lowerdir form (a committed upperdir) under `diffId`.
   * Two steps may commit the same diffId at once (identical output): they are serialised, and
   * the second finds the layer complete and discards its copy.
   */
  adopt(diffId: Digest, dir: string, opaqueDirs: string[], digest?: Digest): Promise<void> {
    return this.serial(diffId, () => this.adoptNow(diffId, dir, opaqueDirs, digest));
  }

  /** Runs `fn` after every earlier adopt/extract of the same layer directory (in this process) has settled. */
  private serial(diffId: Digest, fn: () => Promise<void>): Promise<void> {
    return serialisedByFile(this.dir(diffId), fn);
  }

  private async adoptNow(diffId: Digest, dir: string, opaqueDirs: string[], digest?: Digest): Promise<void> {
    if (await this.has(diffId)) {
      await fs.rm(dir, { recursive: true, force: true });
      return;
    }
    const final = this.dir(diffId);
    await fs.rm(final, { recursive: true, force: true });
    await fs.rename(dir, final).catch(async (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      // an upperdir on a size-limited fs (PrepareOptions.maxBytes): copy it out, with xattrs
      // (opaque dirs), whiteout devices and hard links, then move the copy in place
      const tmp = path.join(this.layersDir, tempName(randomBytes(6).toString('hex')));
      try {
        await execFileP('cp', ['-a', '--', dir, tmp]);
        await fs.rename(tmp, final);
      } catch (e) {
        await fs.rm(tmp, { recursive: true, force: true });
        console.error(`layer-cache: copying ${dir} failed:`, (e as Error).message); // host paths: for the operator only
        throw new EngineError('SNAPSHOT_ERROR', `cannot store the layer ${diffId} (copying it off the step's filesystem failed; is the disk full?)`, { cause: e });
      }
    });
    await this.writeSidecar({ diffId, digest, short: await this.linkShort(diffId), opaqueDirs });
  }

  private async writeSidecar(s: Sidecar): Promise<void> {
    const file = path.join(this.layersDir, `${digestHex(s.diffId)}.json`);
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(s));
    await fs.rename(tmp, file); // the sidecar appearing is what marks the layer complete
    this.sidecars.set(s.diffId, s);
  }

  /** Extracts the layer from the content store unless it is there already; concurrent callers share the work. */
  ensure(ref: LayerRef): Promise<void> {
    let p = this.inflight.get(ref.diffId);
    if (!p) {
      p = this.serial(ref.diffId, () => this.extract(ref)).finally(() => this.inflight.delete(ref.diffId));
      this.inflight.set(ref.diffId, p);
    }
    return p;
  }

  private async extract(ref: LayerRef): Promise<void> {
    if (await this.has(ref.diffId)) return;
    const tmp = path.join(this.layersDir, tempName(randomBytes(6).toString('hex')));
    try {
      const stream = await this.store.createReadStream(ref.digest);
      const res = await applyLayer(stream, tmp, { mode: 'overlay' });
      if (res.diffId !== ref.diffId) {
        throw new EngineError('DIGEST_MISMATCH', `layer ${ref.digest} unpacks to ${res.diffId}, but the image config says ${ref.diffId}; the image is inconsistent, pull or build it again`);
      }
      const final = this.dir(ref.diffId);
      await fs.rm(final, { recursive: true, force: true });
      await fs.rename(tmp, final);
      await this.writeSidecar({ diffId: ref.diffId, digest: ref.digest, short: await this.linkShort(ref.diffId), opaqueDirs: res.opaqueDirs });
    } catch (err) {
      await fs.rm(tmp, { recursive: true, force: true });
      if (err instanceof EngineError) throw err;
      throw new EngineError('SNAPSHOT_ERROR', `cannot unpack layer ${ref.digest}: ${(err as Error).message}`, { cause: err });
    }
  }

  async list(): Promise<{ diffId: Digest; bytes: number }[]> {
    const out: { diffId: Digest; bytes: number }[] = [];
    for (const name of await fs.readdir(this.layersDir)) {
      const m = /^([a-f0-9]{64})\.json$/.exec(name);
      if (m) out.push({ diffId: `sha256:${m[1]}`, bytes: await duBytes(path.join(this.layersDir, m[1])) });
    }
    return out;
  }

  async remove(diffId: Digest): Promise<void> {
    const s = await this.sidecar(diffId).catch(() => undefined);
    const hex = digestHex(diffId);
    await fs.rm(path.join(this.layersDir, `${hex}.json`), { force: true });
    this.sidecars.delete(diffId);
    if (s) await fs.rm(path.join(this.root, 'l', s.short), { force: true });
    await fs.rm(path.join(this.layersDir, hex), { recursive: true, force: true });
  }
}

/** Disk usage of a tree in bytes (allocated blocks, like du). */
export async function duBytes(dir: string): Promise<number> {
  let total = 0;
  const walk = async (d: string) => {
    for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      const st = await fs.lstat(p).catch(() => undefined);
      if (!st) continue;
      total += st.blocks * 512;
      if (st.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return total;
}
