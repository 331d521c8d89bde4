// Mark-and-sweep garbage collection of blobs: roots are the manifests named in index.json,
// leased digests and whatever the caller passes (build-cache records, in-flight builds).
import fs from 'node:fs/promises';
import type { Digest } from './content-store.ts';
import { isDigest } from './digest.ts';
import type { OciLayoutStore } from './oci-layout-store.ts';

export interface GcOptions {
  /** Extra roots: every blob reachable from them is kept. */
  roots?: Iterable<Digest>;
  /** Keep blobs younger than this (a writer may not have referenced them yet). Default 0. */
  minAgeMs?: number;
  /** Only report what would be removed. */
  dryRun?: boolean;
}

export interface GcResult {
  kept: number;
  removed: { digest: Digest; size: number }[];
  reclaimedBytes: number;
}

/** JSON documents larger than this are not parsed for children (layers are never JSON). */
const MAX_JSON = 4 * 1024 * 1024;

/**
 * Children of a blob: descriptors in config/layers/manifests/blobs/subject of an OCI or Docker
 * manifest or index. Non-JSON blobs (layers) have none.
 */
export function childDigests(data: Buffer): Digest[] {
  if (data.length === 0 || data.length > MAX_JSON || data[0] !== 0x7b /* { */) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(data.toString('utf8'));
  } catch {
    return [];
  }
  if (!doc || typeof doc !== 'object') return [];
  const out: Digest[] = [];
  const take = (d: unknown) => {
    const digest = (d as { digest?: unknown } | undefined)?.digest;
    if (isDigest(digest)) out.push(digest);
  };
  const o = doc as Record<string, unknown>;
  take(o.config);
  take(o.subject);
  for (const key of ['layers', 'manifests', 'blobs']) {
    const list = o[key];
    if (Array.isArray(list)) list.forEach(take);
  }
  return out;
}

/** Everything reachable from index.json, leases and the given roots. */
export async function markReachable(store: OciLayoutStore, roots: Iterable<Digest> = []): Promise<Set<Digest>> {
  const index = await store.readIndex();
  const queue: Digest[] = [...roots, ...store.leased.keys()];
  for (const m of index.manifests) if (isDigest(m.digest)) queue.push(m.digest);
  const seen = new Set<Digest>();
  while (queue.length > 0) {
    const d = queue.pop()!;
    if (seen.has(d)) continue;
    seen.add(d);
    const info = await store.info(d);
    if (!info || info.size > MAX_JSON) continue;
    let data: Buffer;
    try {
      data = await store.get(d);
    } catch {
      continue; // corrupted blobs are reported by verify(), not collected here
    }
    queue.push(...childDigests(data));
  }
  return seen;
}

export async function collectGarbage(store: OciLayoutStore, opts: GcOptions = {}): Promise<GcResult> {
  const started = Date.now();
  const live = await markReachable(store, opts.roots);
  const removed: GcResult['removed'] = [];
  let kept = 0;
  for await (const blob of store.list()) {
    if (live.has(blob.digest) || store.leased.has(blob.digest)) {
      kept++;
      continue;
    }
    if (opts.minAgeMs) {
      const st = await fs.stat(store.blobPath(blob.digest)).catch(() => undefined);
      const mtimeMs = st?.mtimeMs ?? 0;
      if (started - mtimeMs < opts.minAgeMs) {
        kept++;
        continue;
      }
    }
    if (!opts.dryRun) await store.delete(blob.digest).catch(() => undefined);
    removed.push(blob);
  }
  return { kept, removed, reclaimedBytes: removed.reduce((n, b) => n + b.size, 0) };
}

export interface VerifyResult {
  ok: number;
  corrupted: Digest[];
  missing: Digest[];
}

/** Re-hashes every blob and checks that everything index.json references exists (`lab system check`). */
export async function verifyStore(store: OciLayoutStore): Promise<VerifyResult> {
  const corrupted: Digest[] = [];
  let ok = 0;
  for await (const blob of store.list()) {
    const stream = await store.createReadStream(blob.digest);
    try {
      for await (const _ of stream) void _;
      ok++;
    } catch {
      corrupted.push(blob.digest);
    }
  }
  const missing: Digest[] = [];
  const index = await store.readIndex();
  const queue = index.manifests.map((m) => m.digest).filter(isDigest);
  const seen = new Set<Digest>();
  while (queue.length > 0) {
    const d = queue.pop()!;
    if (seen.has(d)) continue;
    seen.add(d);
    if (!(await store.has(d))) {
      missing.push(d);
      continue;
    }
    if (corrupted.includes(d)) continue;
    queue.push(...childDigests(await store.get(d)));
  }
  return { ok, corrupted, missing };
}
