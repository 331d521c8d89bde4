/**
 * Snapshotters: how a build step gets a writable root filesystem on top of its parent's
 * layers, and how what the step changed becomes a new layer (containerd's snapshotter idea,
 * reduced to what a builder needs).
 *
 * Terms
 *   layer ref     A layer of the parent chain: blob digest + diffId (base layer first).
 *   unpacked      Each layer is extracted ONCE into $root/layers/<diffId hex>/ in OverlayFS
 *   layer cache   lowerdir form (whiteouts = char device 0/0, opaque dirs = xattr
 *                 trusted.overlay.opaque=y) and shared read-only by every build. A sidecar
 *                 <hex>.json records its opaque dirs and whiteouts so nobody re-reads xattrs.
 *                 A layer committed by the overlay snapshotter moves its upperdir there
 *                 directly (it already is in lowerdir form), so it is never extracted.
 *   active        A prepared snapshot: `rootfs` is where the step runs (the OverlayFS
 *   snapshot      mountpoint, or a plain copied directory), `upperdir` where its writes land.
 *   commit        Turn the active snapshot's changes into a layer blob in the content store
 *                 (layer/layer-writer.ts) and register it in the unpacked-layer cache.
 *   release       Unmount (overlay) and delete the active snapshot's directories. Always
 *                 call it, in `finally`: also after a failed step or a commit.
 *
 * Lifecycle
 *   init() -> prepare({parents}) -> [run / copy into rootfs] -> commit() -> release()
 *   init() sweeps leftovers of a killed process: it unmounts every mount below
 *   $root/active and deletes the active directories. One process (the daemon) owns a
 *   snapshot root at a time.
 *
 * Implementations (one shared conformance suite, conformance.test-suite.ts, runs against both
 * and checks they produce the same layer contents)
 *   overlay-snapshotter.ts  real OverlayFS mounts. The lowerdir option names short symlinks
 *                           ($root/l/<10 chars>) relative to $root, and mount(8) runs with
 *                           cwd=$root, so 130+ layers stay below the 4096-byte (page size)
 *                           limit of mount options — Docker overlay2's trick. More than the
 *                           kernel's 500-lowerdir stack is refused with SNAPSHOT_ERROR.
 *   copy-snapshotter.ts     for hosts that refuse OverlayFS (BuildKit's "native" snapshotter,
 *                           kaniko): the parent chain's rootfs is composed once per chain in
 *                           $root/chains/<chainId hex>, copied (cp -a) for the step, and the
 *                           step's result is compared against it to find the changes.
 */
import type { ContentStore, Digest } from '../content-store/content-store.ts';
import type { LayerResult, WriteLayerOptions } from '../layer/layer.ts';

export type { LayerResult };

export interface LayerRef {
  /** Blob digest in the content store (where to read the layer from when unpacking). */
  digest: Digest;
  /** sha256 of the uncompressed tar (the name of the unpacked dir). */
  diffId: Digest;
  mediaType?: string;
}

export interface PrepareOptions {
  /** The parent chain, base layer first. Empty for `FROM scratch` and `COPY --link`. */
  parents: LayerRef[];
  /** Free text for `lab system df -v` and debugging ("stage build, step 3"). */
  label?: string;
  /**
   * A hard limit on what the step may write (overlay: the upperdir and workdir sit on their own
   * filesystem of this size, so writing past it fails with ENOSPC; committing copies the layer
   * out of it). Unset: no limit beyond the host's disk.
   */
  maxBytes?: number;
}

export type CommitOptions = WriteLayerOptions;

export interface ActiveSnapshot {
  readonly id: string;
  /** Root filesystem for the step (runc's root.path; COPY writes here). */
  readonly rootfs: string;
  /** Where the step's writes land (overlay upperdir; for the copy snapshotter the rootfs). */
  readonly upperdir: string;
  /** Writes the changes as a layer blob, registers it as unpacked, returns its identity. */
  commit(opts?: CommitOptions): Promise<LayerResult>;
  /** Unmount and remove; safe to call twice and after a failed commit. */
  release(): Promise<void>;
}

export interface SnapshotterOptions {
  /** Directory this snapshotter owns ($LAB_ROOT/snapshots). */
  root: string;
  /** Where layer blobs are read from (unpacking) and written to (commit). */
  store: ContentStore;
}

export interface Snapshotter {
  readonly kind: 'overlay' | 'copy';
  readonly root: string;
  /** Create dirs, and sweep mounts/dirs a killed process left behind. */
  init(): Promise<void>;
  prepare(opts: PrepareOptions): Promise<ActiveSnapshot>;
  /** Unpack layers into the cache if missing (idempotent, safe under concurrency). */
  ensureUnpacked(layers: LayerRef[]): Promise<void>;
  /** diffIds of the unpacked-layer cache with their disk usage (system df). */
  listUnpacked(): Promise<{ diffId: Digest; bytes: number }[]>;
  /** Remove unpacked layers (and composed chains) not in `keep`; returns what was removed. */
  prune(keep: Iterable<Digest>): Promise<Digest[]>;
}
