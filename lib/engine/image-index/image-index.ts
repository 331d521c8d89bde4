/**
 * The image index: everything the explorer, `docker image explore`, `lab image efficiency`,
 * `lab scan secrets` and `lab sbom` show about an image, computed ONCE per image and kept on
 * disk, so that opening a 1 GB, 40-layer image is a handful of indexed SQLite reads.
 *
 * Terms
 *   layer stack  The manifest's layers, base first, each with its blob digest (compressed, what
 *                the manifest lists), its diffID (sha256 of the uncompressed tar, what the config's
 *                rootfs lists), both sizes, and its history entry: the created_by text of the
 *                instruction that made it (BuildKit writes `RUN ... # buildkit`, the classic
 *                builder `/bin/sh -c #(nop) ...`). History entries with empty_layer: true (ENV,
 *                CMD, LABEL ...) sit between layers as config steps.
 *   scope        Which tree a query reads: a layer index (0 = base) — that layer's CHANGES — or
 *                'merged', the tree a container sees (all layers applied in order).
 *   change       Of a path in one layer: added (absent below), modified (present below: a new
 *                file over an old one, or a directory entry written again), deleted (a whiteout
 *                `.wh.NAME`), opaque (a directory marked `.wh..wh..opq`: everything below it in
 *                lower layers is hidden). A directory the tar names only implicitly (a parent of
 *                an entry, with no entry of its own) has no change and `implicit: true`.
 *   merged view  OCI's applying rules: a layer's whiteouts and opaque markers act on LOWER layers
 *                only; a non-directory over a directory drops what was below it; a missing parent
 *                becomes an implicit directory.
 *   wasted space dive's figures (efficiency.ts), exactly as dive computes them: per path, every
 *                copy a layer writes counts; efficiency = Σ smallest copy / Σ all copies.
 *   finding      A secret found in a file of some layer, or in the config (ENV, LABEL, history).
 *                Only a MASKED form is ever stored or returned (secrets/). A finding in a file
 *                that a later layer deleted or replaced is reported with that layer: the bytes
 *                are still in the image, anyone who pulls it can read them.
 *   package      A component found in a layer (dpkg status, Python METADATA, npm package.json,
 *                Go build info: sbom/); the image's SBOM lists those whose file is in the merged view.
 *
 * Lifecycle
 *   1. openImageIndex(engine-ish deps, image) looks for <cacheDir>/<manifest hex>.v<N>.sqlite.
 *      Missing: index-builder.ts streams every layer blob ONCE (content store → gunzip/zstd →
 *      tar-stream), never holding a layer or a file in memory (files are hashed and fed to the
 *      scanners in chunks; scanners keep bounded prefixes), writes rows into a temp database,
 *      applies each layer to the merged table, computes directory totals and dive's efficiency,
 *      then fsyncs and renames it into place (atomic: a reader sees no index or a whole one).
 *      Concurrent opens of one image in a process share one build.
 *   2. The returned ImageIndex answers paged queries from that file (tree-queries.ts): the
 *      children of a directory, a search, one path's story across layers, efficiency, findings,
 *      packages, and a comparison with another image's index (compare.ts).
 *   3. close() releases the handle; index-cache.ts keeps a few open and removes the least
 *      recently used files beyond a size budget (they are only a cache: rebuilt on demand).
 *
 * The index holds no names (tags) and no secrets, only what follows from the manifest's
 * content, so one file serves every namespace that can see the image; who may see which image
 * is decided by the caller's image store before an index is opened.
 *
 * Paths in the API are absolute ("/usr/bin/env"); "/" is the root.
 */
import type { Digest } from '../content-store/content-store.ts';
import type { EfficiencyReport } from './efficiency.ts';
import type { SecretFinding } from '../secrets/secrets.ts';
import type { Package, OsRelease } from '../sbom/sbom.ts';

export type { EfficiencyReport, SecretFinding, Package, OsRelease };

/** Bumped whenever the file format or what is computed changes: old files are simply ignored. */
export const INDEX_FORMAT = 1;

export type Scope = 'merged' | number;
export type Change = 'added' | 'modified' | 'deleted' | 'opaque';
export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** One instruction of the image's history, with the layer it made (if any). */
export interface Step {
  /** Index in config.history. */
  history: number;
  /** created_by as stored. */
  createdBy: string;
  /** The instruction as a student wrote it: "RUN apt-get update" (prefixes/suffixes removed). */
  instruction: string;
  created?: string;
  comment?: string;
  /** A config-only step (ENV, CMD, ...): no layer. */
  emptyLayer: boolean;
  /** The layer this step made, when it made one. */
  layer?: number;
}

export interface LayerSummary {
  index: number;
  /** Blob digest (manifest) and diffID (config rootfs). */
  digest: Digest;
  diffId: Digest;
  mediaType: string;
  /** Size of the stored (compressed) blob. */
  compressedSize: number;
  /** Size of the uncompressed tar. */
  uncompressedSize: number;
  /** docker history's SIZE: regular files' bytes + symlink targets' lengths. */
  contentSize: number;
  /** dive's layer size: the sum of every tar entry's size field. */
  diveSize: number;
  /** The step (history entry) that made it; undefined when the history is missing or short. */
  step?: Step;
  entries: number;
  added: number;
  modified: number;
  deleted: number;
  opaque: number;
  /** Bytes of the files this layer adds or rewrites. */
  addedBytes: number;
  /** Bytes of lower content this layer deletes, replaces or hides (still in the image!). */
  removedBytes: number;
}

export interface IndexSummary {
  format: number;
  manifestDigest: Digest;
  configDigest: Digest;
  architecture: string;
  os: string;
  created?: string;
  layers: LayerSummary[];
  /** Every history entry in order: layers and config-only steps interleaved. */
  steps: Step[];
  /** Merged view totals. */
  files: number;
  totalSize: number;
  osRelease?: OsRelease;
  efficiency: { score: number; wastedBytes: number; userWastedPercent: number; sizeBytes: number; userSizeBytes: number; inefficientPaths: number };
  secrets: number;
  packages: number;
  /** How long the first index took and when (ms, ISO time). */
  indexedInMs: number;
  indexedAt: string;
}

export interface TreeEntry {
  path: string;
  name: string;
  /** undefined for a pure whiteout (nothing of that name in this layer, only its deletion). */
  type?: EntryType;
  mode?: number;
  uid?: number;
  gid?: number;
  size: number;
  mtime?: number;
  /** Symlink or hard link target. */
  link?: string;
  /** sha256 hex of a regular file's bytes. */
  sha256?: string;
  /** Layer scope: what happened to the path here (undefined for an implicit parent). */
  change?: Change;
  /** Merged scope: the layer the entry comes from. */
  layer?: number;
  implicit?: boolean;
  /** Layer scope: what was below before this layer (for modified/deleted/opaque). */
  previous?: { layer?: number; type?: EntryType; size: number };
  /** Directories: bytes and entries below (within the scope). */
  totalSize?: number;
  totalCount?: number;
  /** Directories: number of direct children (within the scope). */
  children?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
  /** Offset of the next page, when there is one. */
  next?: number;
}

/** Filters shared by tree and search queries. `glob` matches the absolute path (picomatch, dot files included). */
export interface EntryFilter {
  glob?: string;
  /** Case-insensitive substring of the path. */
  text?: string;
  minSize?: number;
  maxSize?: number;
  changes?: Change[];
  types?: EntryType[];
}

export interface ChildrenQuery extends EntryFilter {
  scope: Scope;
  /** Directory to list; default "/". */
  path?: string;
  sort?: 'name' | 'size';
  offset?: number;
  limit?: number;
}

export interface SearchQuery extends EntryFilter {
  scope: Scope;
  sort?: 'path' | 'size';
  offset?: number;
  limit?: number;
}

/** One path's story: every layer that touched it, and what the merged view holds. */
export interface PathHistory {
  path: string;
  merged?: TreeEntry;
  layers: Array<TreeEntry & { layer: number }>;
}

export type CompareStatus = 'same' | 'changed' | 'only-a' | 'only-b';

export interface LayerComparison {
  index: number;
  status: CompareStatus;
  a?: { diffId: Digest; instruction?: string; contentSize: number };
  b?: { diffId: Digest; instruction?: string; contentSize: number };
}

export interface FileComparison {
  path: string;
  status: 'added' | 'removed' | 'changed';
  /** What differs for a changed path: type, size, content, mode, owner, link. */
  what: string[];
  a?: TreeEntry;
  b?: TreeEntry;
}

export interface CompareQuery {
  /** Files of the merged views (default) or of layer N of each image. */
  scope?: Scope;
  /** Only paths under this directory. */
  path?: string;
  statuses?: FileComparison['status'][];
  offset?: number;
  limit?: number;
}

export interface CompareReport {
  a: Digest;
  b: Digest;
  /** Layers that are identical from the base up (same diffIDs in the same order). */
  sharedBaseLayers: number;
  layers: LayerComparison[];
  files: Page<FileComparison>;
  counts: { added: number; removed: number; changed: number };
  sizeDelta: number;
}

export interface SecretReport {
  findings: SecretFinding[];
  /** Files not scanned: too large or binary (the limits are in secrets/). */
  skipped: { tooLarge: number; binary: number };
}

/** What a web page or a CLI verb asks of one indexed image. Everything is read-only. */
export interface ImageIndex {
  readonly summary: IndexSummary;
  children(q: ChildrenQuery): Page<TreeEntry>;
  search(q: SearchQuery): Page<TreeEntry>;
  /** One entry in a scope, or undefined. */
  entry(scope: Scope, path: string): TreeEntry | undefined;
  pathHistory(path: string): PathHistory;
  efficiency(opts?: { offset?: number; limit?: number }): EfficiencyReport;
  secrets(): SecretReport;
  /** Packages of the merged view (the SBOM's components), sorted by ecosystem and name. */
  packages(): Package[];
  compare(other: ImageIndex, q?: CompareQuery): CompareReport;
  close(): void;
}
