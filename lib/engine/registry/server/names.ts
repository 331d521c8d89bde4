// Repository name, tag and digest grammar of the distribution spec.
import { RegistryError } from './registry-errors.ts';

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256_RE = /^sha256:[a-f0-9]{64}$/;

export const MAX_NAME_LENGTH = 255;

export function isValidName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && NAME_RE.test(name);
}

export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

export function assertName(name: string): string {
  if (!isValidName(name)) {
    throw new RegistryError(
      'NAME_INVALID',
      `invalid repository name "${name}": use lower-case letters, digits and separators (. _ __ -) in path components joined by "/", at most ${MAX_NAME_LENGTH} characters`,
      { name },
    );
  }
  return name;
}

export function assertTag(tag: string): string {
  if (!isValidTag(tag)) {
    throw new RegistryError('TAG_INVALID', `invalid tag "${tag}": up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"`, { tag });
  }
  return tag;
}

/** Only sha256 digests are stored; other well-formed algorithms are UNSUPPORTED, garbage DIGEST_INVALID. */
export function assertDigest(digest: string): string {
  if (SHA256_RE.test(digest)) return digest;
  if (DIGEST_RE.test(digest) && !digest.startsWith('sha256:')) {
    throw new RegistryError('UNSUPPORTED', `digest algorithm of "${digest}" is not supported: this registry stores sha256 digests only`);
  }
  throw new RegistryError('DIGEST_INVALID', `invalid digest "${digest}": expected sha256: followed by 64 lower-case hex characters`, { digest });
}

export function isDigestRef(reference: string): boolean {
  return reference.includes(':');
}
