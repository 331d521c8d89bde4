/**
 * The content store: every blob the engine knows (layer tars, image configs, manifests,
 * indexes) is stored once, named by the sha256 of its bytes — the same idea as Git's
 * object store, and the idea the lesson's "layers are content-addressed" refers to.
 *
 * Lifecycle of a blob
 *   1. A producer opens a ContentWriter and streams bytes into it. The writer hashes while
 *      it writes (no second read to hash) into a temporary file inside the store.
 *   2. commit(expected?) fsyncs the temp file, checks size and digest against what the caller
 *      expected (DIGEST_MISMATCH otherwise, and nothing becomes visible), then renames it to
 *      blobs/sha256/<hex>. Rename is atomic, so a reader sees either nothing or the whole blob.
 *      Committing a blob that already exists is not an error: the temp file is dropped.
 *   3. Readers get bytes back verified: get() re-hashes what it read; streams verify at the end
 *      and fail the stream on mismatch (the registry serves ranges unverified by design).
 *   4. Names (tags) live in the OCI image layout's index.json, written atomically too.
 *   5. Garbage collection removes blobs no longer reachable from any root (tags, and extra roots
 *      callers register, such as build-cache records and in-flight builds).
 *
 * The on-disk form is an OCI image layout (oci-layout, index.json, blobs/sha256/...), so
 * skopeo and umoci can read the store directly. The registry and the builder share one store:
 * a layer is stored once whether it came from a build, a pull or a push.
 */
import type { Readable } from 'node:stream';

/** "sha256:" followed by 64 lower-case hex characters. */
export type Digest = string;

export type Platform = { os: string; architecture: string; variant?: string };

/** An OCI content descriptor. */
export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
}

export interface BlobInfo {
  digest: Digest;
  size: number;
}

export interface ContentWriter {
  /** Append bytes; hashing happens here. */
  write(chunk: Buffer): Promise<void>;
  /** Bytes written so far. */
  readonly size: number;
  /** Digest of what was written so far (does not end the writer). */
  digest(): Digest;
  /** Make the blob visible. Verifies `expected` digest/size when given. */
  commit(expected?: { digest?: Digest; size?: number }): Promise<BlobInfo>;
  /** Drop the temp file; safe to call more than once and after commit. */
  abort(): Promise<void>;
}

export interface ContentStore {
  readonly root: string;
  has(digest: Digest): Promise<boolean>;
  info(digest: Digest): Promise<BlobInfo | undefined>;
  /** Whole blob, verified against its digest. NOT_FOUND when missing. */
  get(digest: Digest): Promise<Buffer>;
  /** Streamed read; with a range the bytes are [start, end] inclusive and not verified. */
  createReadStream(digest: Digest, range?: { start: number; end?: number }): Promise<Readable>;
  /** Store a whole buffer (verified against `expected` when given). */
  put(data: Buffer | string, expected?: Digest): Promise<BlobInfo>;
  writer(): Promise<ContentWriter>;
  delete(digest: Digest): Promise<void>;
  list(): AsyncIterable<BlobInfo>;
}
