// Cache keys: sha256 over the parent key and canonical JSON of the step inputs.
import { createHash } from 'node:crypto';
import type { Digest } from '../content-store/content-store.ts';
import type { StepInputs } from './cache.ts';

/** JSON with sorted object keys, so equal inputs always hash the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Digest of all file checksums together (what the key hashes for COPY/ADD sources). */
export function filesDigest(files: Record<string, string>): string {
  const h = createHash('sha256');
  for (const p of Object.keys(files).sort()) h.update(`${p}\0${files[p]}\n`);
  return `sha256:${h.digest('hex')}`;
}

export function cacheKey(parentKey: string, inputs: StepInputs): Digest {
  const { files, ...rest } = inputs;
  // extra.fromKey (the source stage's key) is only a recall hint: COPY --from is keyed on the
  // copied files' checksums, like BuildKit's content-based cache for file ops (solver/llbsolver/ops/file.go).
  if (rest.extra && 'fromKey' in rest.extra) {
    const { fromKey: _hint, ...extra } = rest.extra;
    rest.extra = extra;
  }
  const body = { v: 1, parent: parentKey, ...rest, files: files ? filesDigest(files) : undefined };
  return `sha256:${sha256Hex(canonicalJson(body))}`;
}

/** Identity of "the same step" across builds, for miss explanations. */
export function stepIdentity(parts: { name: string; dockerfile: string; stage: string; index: number; keyword: string }): string {
  return sha256Hex(canonicalJson(parts));
}
