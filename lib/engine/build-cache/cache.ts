/**
 * The build cache: decides whether a build step can reuse an earlier result, and says why not.
 *
 * Terms (BuildKit's semantics)
 *   step inputs  What a filesystem step depends on besides its parent (StepInputs): the
 *                instruction with its options after variable expansion; for RUN also the
 *                environment (ENV and every ARG in scope with its value), user, working dir,
 *                shell and run mounts (ids and targets, never a secret's contents); for
 *                COPY/ADD a checksum of each selected source file — its content and metadata
 *                (type, mode, size, link target; uid/gid reset to 0 for the build context) but
 *                NOT its mtime, so `touch` keeps the cache; for FROM the base image digest.
 *   cache key    sha256 over (parent key, step inputs): keys chain, so the first miss in a
 *                stage changes every later key of that stage. Metadata instructions (ENV,
 *                ARG, LABEL...) have no key of their own: they reach the cache through the
 *                inputs of later steps, which is why an ARG change misses from its first use.
 *                COPY --from=<stage> hashes the files it selects from that stage, not the
 *                stage's key: a stage that re-ran but produced identical files still hits.
 *   record       What a key maps to: the layer the step produced (or none for an empty diff)
 *                and when it was first made. Stored as $LAB_ROOT/cache/records/<hex>.json,
 *                written atomically (temp + fsync + rename); the layer blobs of all records
 *                are GC roots of the content store (roots()).
 *   step memory  For explanations only: the inputs the same step (same build name, Dockerfile,
 *                stage, position, instruction keyword) had last time, in
 *                $LAB_ROOT/cache/steps/<hex>.json. A miss is explained by comparing with it:
 *                "no earlier build of this step", "parent step rebuilt",
 *                "requirements.txt changed", "ARG VERSION changed", "command changed",
 *                "--no-cache" ...
 *
 * Lifecycle of a step in the solver
 *   key = cacheKey(parentKey, inputs); rec = noCache ? undefined : await cache.get(key)
 *   hit  -> reuse rec.layer (the blob must still be in the content store)
 *   miss -> reason = explainMiss(...); run the step; cache.put(key, result);
 *   always -> cache.remember(identity, key, parentKey, inputs)
 */
import type { Digest, Descriptor } from '../content-store/content-store.ts';

export interface StepInputs {
  kind: 'from' | 'run' | 'copy' | 'add' | 'workdir';
  /** Instruction with options after expansion, e.g. "COPY --chown=1:1 a b /dst/". */
  text: string;
  /** FROM: manifest digest of the base ("scratch" for none). */
  base?: string;
  /** RUN: the environment the command sees (sorted "K=V"). */
  env?: string[];
  /** ARGs in scope and their values. */
  args?: Record<string, string>;
  user?: string;
  workdir?: string;
  shell?: string[];
  /** RUN --mount descriptions without secret contents. */
  mounts?: string[];
  /** COPY/ADD: per source file checksum, keyed by its path relative to the source root. */
  files?: Record<string, string>;
  /** Anything else that must change the key (ADD URL checksum, --link...). */
  extra?: Record<string, string>;
}

export interface LayerRecord {
  descriptor: Descriptor;
  diffId: Digest;
  uncompressedSize?: number;
  /** Files' bytes, the SIZE of `docker history` (absent in records written before it existed). */
  contentSize?: number;
}

export interface CacheRecord {
  key: Digest;
  /** Absent when the step changed nothing (BuildKit records no layer then). */
  layer?: LayerRecord;
  /** RFC 3339 time of the first build of this result (history keeps it on hits). */
  created: string;
}

export interface StepMemory {
  identity: string;
  key: Digest;
  parentKey: string;
  inputs: StepInputs;
}

export interface BuildCache {
  get(key: Digest): Promise<CacheRecord | undefined>;
  put(record: CacheRecord): Promise<void>;
  /** Last inputs of the same step, for miss explanations. */
  recall(identity: string): Promise<StepMemory | undefined>;
  remember(memory: StepMemory): Promise<void>;
  /** Layer blob digests of every record: GC roots for the content store. */
  roots(): Promise<Digest[]>;
  /** `lab builder prune`: drop every record (or those whose blob is gone). */
  prune(opts?: { keep?: (r: CacheRecord) => boolean }): Promise<{ removed: number }>;
}
