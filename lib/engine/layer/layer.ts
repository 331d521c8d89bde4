/**
 * Layers: a layer is a tar of filesystem CHANGES on top of its parent layers — the unit the
 * lesson calls "one layer per instruction that touches the filesystem".
 *
 * Terms
 *   change       One path that differs from the parent: added, modified or deleted. A layer
 *                is the sorted list of changes written as tar entries.
 *   upperdir     The writable directory of an OverlayFS mount. After a step it holds exactly
 *                the changes: new/modified files (copied up), a character device 0/0 for each
 *                deleted path (a "whiteout"), and the xattr trusted.overlay.opaque=y on a
 *                directory that replaced a lower one ("opaque dir": lower children hidden).
 *   whiteout     In a layer TAR a deletion is an empty file named `.wh.<name>` beside the
 *                deleted path (OCI image spec, "Whiteouts").
 *   opaque dir   OCI allows `.wh..wh..opq`. Like BuildKit we do NOT emit it: an opaque upper
 *                directory is written as the directory plus one explicit `.wh.<child>` for
 *                every child visible in the lower layers (that is what BuildKit's overlay
 *                differ produces, and what every runtime applies the same way). When
 *                APPLYING a layer both forms are understood.
 *   diffID       sha256 of the UNcompressed tar; listed in the image config's rootfs.
 *   digest       sha256 of the stored (gzip) blob; listed in the manifest. Both are hashed
 *                while the tar is produced — a layer is never re-read to hash it.
 *
 * Determinism (two builds of the same input give the same digests)
 *   - entries in tree-walk order, each directory's names sorted by bytes, parents first;
 *   - uid/gid numeric (no uname/gname), mode incl. setuid/setgid/sticky, mtime in whole
 *     seconds, clamped to SOURCE_DATE_EPOCH when given (BuildKit's rewrite-timestamp);
 *   - no atime/ctime; only the `security.capability` xattr (as a PAX SCHILY.xattr record);
 *     USTAR headers, PAX only where a name/link target does not fit or an xattr is present;
 *   - a file with several links inside the layer is written once, then as hardlinks to the
 *     first path in walk order;
 *   - gzip with a fixed level and no name/mtime in its header; by default one gzip member per
 *     1 MiB of tar, compressed in parallel (fixed boundaries, so still deterministic).
 *
 * Lifecycle
 *   1. A snapshotter finishes a step and lists the changes: `upperdirChanges(upper, lowers)`
 *      (OverlayFS) or `treeChanges(parentTree, newTree)` (copy snapshotter: compares type, mode,
 *      uid, gid, size, mtime, link target, capability xattr and, when those match, content).
 *   2. `writeLayer(store, {root, changes})` streams the tar through sha256 (diffID), gzip and a
 *      ContentWriter (blob digest) and returns a LayerResult; the blob is committed atomically.
 *   3. `applyLayer(tar, dest, {mode})` is the reverse: "rootfs" applies whiteouts by deleting,
 *      "overlay" extracts into an empty dir in lowerdir form (whiteouts as char 0/0, opaque as
 *      xattr) for the unpacked-layer cache. Both refuse `..`, writing through symlinks, and
 *      hardlinks to outside the destination (UNSAFE_ARCHIVE).
 *
 * Entry points: upperdir-changes.ts, tree-changes.ts, layer-writer.ts, apply-layer.ts.
 */
import type { Digest } from '../content-store/content-store.ts';

export const LAYER_MEDIA_TYPE_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const LAYER_MEDIA_TYPE_TAR = 'application/vnd.oci.image.layer.v1.tar';

/** The prefix of whiteout entries and the name of the opaque marker (OCI image spec). */
export const WHITEOUT_PREFIX = '.wh.';
export const WHITEOUT_OPAQUE = '.wh..wh..opq';
/** The only xattr that goes into layers (file capabilities, e.g. ping's cap_net_raw). */
export const CAPABILITY_XATTR = 'security.capability';
export const OPAQUE_XATTR = 'trusted.overlay.opaque';

export type ChangeKind = 'add' | 'modify' | 'delete';

export interface Change {
  kind: ChangeKind;
  /** Relative POSIX path inside the rootfs, no leading "/" ("etc/passwd"). */
  path: string;
}

export interface WriteLayerOptions {
  /** Unix seconds; later mtimes are clamped to it. */
  sourceDateEpoch?: number;
  /** Default 'gzip'. 'none' stores the tar itself (digest === diffId). */
  compression?: 'gzip' | 'none';
  /** gzip level 1..9, default 6 (what containerd and BuildKit use by default). */
  gzipLevel?: number;
  /**
   * 'blocks' (default): one gzip member per 1 MiB of tar, compressed on several threads
   * (parallel-gzip.ts); 'single': one member on one thread, like `gzip`. Both are valid gzip.
   */
  gzipMembers?: 'blocks' | 'single';
  /** Paths (relative, like Change.path) to leave out, with everything below them. */
  exclude?: string[];
}

export interface LayerResult {
  /** Blob digest (of the compressed bytes) — goes into the manifest. */
  digest: Digest;
  /** sha256 of the uncompressed tar — goes into the config's rootfs.diff_ids. */
  diffId: Digest;
  /** Size of the stored blob in bytes. */
  size: number;
  /** Size of the uncompressed tar in bytes. */
  uncompressedSize: number;
  /** Files' and link targets' bytes: the SIZE `docker history` shows (content-size.ts). */
  contentSize: number;
  mediaType: string;
  /** Number of tar entries (0 = nothing changed: docker shows such a step with 0B). */
  entries: number;
  /** True when there were no changes (the tar holds only its end-of-archive blocks). */
  empty: boolean;
}

export interface ApplyOptions {
  /** 'rootfs': whiteouts delete; 'overlay': whiteouts become char 0/0 and opaque xattrs. */
  mode: 'rootfs' | 'overlay';
  /** Reject absolute entry names instead of treating them as relative (ADD of a hostile archive). */
  strictPaths?: boolean;
  /** Keep uid/gid from the tar (default true; ADD of a local archive keeps them too). */
  preserveOwner?: boolean;
}

export interface ApplyResult {
  entries: number;
  /** Bytes of regular file content written. */
  bytes: number;
  /** Directories that became opaque (overlay mode), relative paths. */
  opaqueDirs: string[];
  /** Paths whose deletion was recorded (whiteouts), relative paths. */
  whiteouts: string[];
  /** sha256 of the uncompressed tar as read (compare with the config's diff_id). */
  diffId?: Digest;
}

/** A file's metadata the way the layer code compares and writes it. */
export interface EntryMeta {
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'char-device' | 'block-device' | 'fifo';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** hex of the security.capability value when present */
  capability?: string;
}
