/**
 * Images: what `docker build` produces and `docker images` lists.
 *
 * Terms
 *   layer        A tar of filesystem changes. Stored compressed (gzip) as a blob; its
 *                *diffID* is the sha256 of the UNcompressed tar, its *digest* the sha256 of
 *                the blob. The config lists diffIDs, the manifest lists blob digests.
 *   config       JSON blob: the runtime defaults (Env, Cmd, User, WorkingDir, ...), the
 *                rootfs (diff_ids in order, base first) and the history (one entry per
 *                instruction; metadata instructions have empty_layer: true — the lesson's
 *                FRAC rule). Its digest is the image ID docker prints ("IMAGE ID").
 *   manifest     JSON blob pointing at the config and the layer blobs (descriptors). Its
 *                digest is what a registry calls the image digest ("RepoDigests").
 *   index        JSON blob pointing at manifests (multi-platform images, and the OCI
 *                image layout's index.json).
 *   reference    A name for an image: [domain/]path[:tag][@digest]. Normalised like docker:
 *                "busybox" -> "docker.io/library/busybox:latest". See reference.ts.
 *   tag          A reference without digest, recorded in the store's index.json as an entry
 *                annotated with the full name (`io.containerd.image.name`) and the tag
 *                (`org.opencontainers.image.ref.name`), so skopeo/umoci read the store as is.
 *   dangling     An image without a tag (`<none>:<none>` in `lab images`): a build without
 *                -t, or an image whose tag moved to a newer build. Still a GC root until
 *                `lab rmi` or `lab image prune` removes it.
 *
 * Lifecycle
 *   1. The solver writes layer blobs (layer/), builds an ImageConfig (config-builder.ts) and
 *      calls ImageStore.putImage({config, layers, tags}). The store writes the config blob and
 *      a manifest blob (canonical JSON, so the same input gives the same digests) and records
 *      the tags in index.json (atomic rename). A tag that pointed at another image moves; the
 *      old image stays as a dangling entry if nothing else names it (docker's behaviour).
 *   2. Readers resolve a reference, a full or short image ID, or a manifest digest with get().
 *   3. `lab rmi` untags; the last name removed deletes the index entry. The blobs go when the
 *      STORE's garbage collector runs with roots() as its roots.
 *   4. docker-archive / OCI-archive import (load) and export (save) live in archive files of
 *      this folder; inspect.ts and history.ts render what docker prints.
 *
 * Entry points (other files of this folder)
 *   layout-image-store.ts  createImageStore(content) -> ImageStore (index.json at content.root)
 *   reference.ts           parseReference, formatReference, familiarName, shortId
 *   config-builder.ts      newImageConfig, addHistory, createdBy.* (BuildKit's created_by strings)
 *   manifest-builder.ts    canonicalJson, buildManifest
 *   inspect.ts, history.ts docker inspect JSON and docker history rows
 *   go-template.ts         the --format subset ({{.RootFS.Layers}}, {{json .Config}}, range ...)
 *   docker-archive.ts, oci-archive.ts   lab save / lab load
 *
 * All operations are on top of the ContentStore (content-store/content-store.ts); the image
 * store adds names. Nothing here knows about HTTP, the CLI or the web app.
 */
import type { ContentStore, Descriptor, Digest, Platform } from '../content-store/content-store.ts';

export type { Descriptor, Digest, Platform };

/** Media types of the OCI image spec and of Docker's image manifest v2 schema 2. */
export const MediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

/** Annotations the store writes on index.json entries. */
export const Annotations = {
  /** Full normalised reference: docker.io/library/busybox:latest (containerd's key). */
  imageName: 'io.containerd.image.name',
  /** The tag alone, as OCI layouts expect (skopeo's oci:DIR:tag). */
  refName: 'org.opencontainers.image.ref.name',
  /** RFC 3339 time the entry was (re)named; `lab images` falls back to it. */
  created: 'org.opencontainers.image.created',
} as const;

export type MediaTypeFamily = 'oci' | 'docker';

/** Health check as Docker stores it (durations in nanoseconds). */
export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The runtime part of an image config ("Config" in docker inspect). */
export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  /** Docker extensions that BuildKit also writes. */
  Healthcheck?: HealthConfig;
  Shell?: string[];
  OnBuild?: string[] | null;
  ArgsEscaped?: boolean;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** OCI image config (application/vnd.oci.image.config.v1+json). */
export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: ContainerConfig;
  rootfs: { type: 'layers'; diff_ids: Digest[] };
  history?: HistoryEntry[];
}

export interface Manifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface Index {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** A parsed, normalised reference. */
export interface Reference {
  /** Registry host[:port], "docker.io" by default. */
  domain: string;
  /** Repository path, "library/busybox" for official docker.io images. */
  path: string;
  tag?: string;
  digest?: Digest;
}

/** An image as the store knows it. */
export interface Image {
  /** Image ID = config digest (what docker prints as IMAGE ID). */
  id: Digest;
  /** Descriptor of the manifest (its digest is the "image digest"). */
  target: Descriptor;
  manifest: Manifest;
  config: ImageConfig;
  /** Normalised names pointing at this image, sorted ("docker.io/library/busybox:latest"). */
  names: string[];
  /** Sum of the layers' content sizes (docker's Size: bytes of the files in each layer). */
  size: number;
}

/** A layer handed to putImage: the blob descriptor plus its diffID. */
export interface LayerRef {
  descriptor: Descriptor;
  diffId: Digest;
  /** Uncompressed size when the producer knows it (saves a gunzip pass later). */
  uncompressedSize?: number;
}

export interface PutImageInput {
  /** Its rootfs.diff_ids must equal layers' diffIds in order (checked). */
  config: ImageConfig;
  /** The exact config bytes when they must be kept (load, pull: the image ID is their digest). */
  configBytes?: Buffer;
  layers: LayerRef[];
  /** References to point at the image; none -> a dangling image. */
  tags?: string[];
  /** Media types of manifest, config and gzip layers. Default 'oci'. */
  mediaTypes?: MediaTypeFamily;
  annotations?: Record<string, string>;
}

export interface LayerUsage {
  tarSize: number;
  contentSize: number;
}

/** One line of `docker rmi` output. */
export type RemoveEvent = { Untagged: string } | { Deleted: Digest };

export interface ImageStore {
  readonly content: ContentStore;
  /** Writes config + manifest blobs, records tags; returns the stored image (its `size` is an
   *  estimate until the layers are first measured: fresh layers are not re-read here). */
  putImage(input: PutImageInput): Promise<Image>;
  /** Names an existing manifest (already in the content store), e.g. after a load or a push. */
  putManifest(manifestDigest: Digest, tags: string[]): Promise<Image>;
  /** Resolve a reference, full/short image ID (sha256:abc.. or abc..) or manifest digest. NOT_FOUND otherwise. */
  get(refOrId: string): Promise<Image>;
  /** Like get() but undefined when missing. */
  find(refOrId: string): Promise<Image | undefined>;
  /** Every image (tagged and dangling), newest first. */
  list(): Promise<Image[]>;
  /** docker tag SOURCE TARGET. */
  tag(source: string, target: string): Promise<void>;
  /** docker rmi: untag a name; delete the image when it was the last name (or when given an ID). */
  remove(refOrId: string, opts?: { force?: boolean }): Promise<RemoveEvent[]>;
  /** Manifest digests named by index.json: the GC roots the image store holds. */
  roots(): Promise<Digest[]>;
  /** Uncompressed tar size of a layer blob (cached after the first read). */
  layerSize(layer: Descriptor): Promise<number>;
  /** Sizes of a layer: tar bytes, and content bytes as docker counts them for SIZE (regular
   *  file sizes + symlink target lengths, hard links once, whiteouts 0). Cached. */
  layerUsage(layer: Descriptor): Promise<LayerUsage>;
}
