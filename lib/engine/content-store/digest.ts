// Digest helpers shared by the store, the layer writer and the registry.
import { createHash } from 'node:crypto';
import { EngineError } from '../errors.ts';
import type { Digest } from './content-store.ts';

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && DIGEST_RE.test(value);
}

/** Throws INVALID_INPUT unless `value` is "sha256:<64 hex>" (also keeps paths inside the store). */
export function assertDigest(value: unknown): Digest {
  if (!isDigest(value)) {
    throw new EngineError('INVALID_INPUT', `not a valid sha256 digest: ${JSON.stringify(value)} (expected "sha256:" and 64 lower-case hex characters)`);
  }
  return value;
}

export function sha256(data: Buffer | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The hex part of a digest ("sha256:abc..." -> "abc..."). */
export function digestHex(digest: Digest): string {
  return assertDigest(digest).slice('sha256:'.length);
}
