// Image references, normalised the way docker does (distribution/reference's ParseNormalizedNamed):
// "busybox" -> docker.io/library/busybox:latest, "localhost:5000/app" -> localhost:5000/app:latest.
import { EngineError } from '../errors.ts';
import type { Digest, Reference } from './image.ts';

export const DEFAULT_DOMAIN = 'docker.io';
export const OFFICIAL_PREFIX = 'library/';
export const DEFAULT_TAG = 'latest';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$|^\[[0-9a-fA-F:]+\](?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HEX64 = /^[a-f0-9]{64}$/;

function invalid(input: string, why: string): EngineError {
  return new EngineError('INVALID_INPUT', `invalid reference format "${input}": ${why}`);
}

/** Parses and normalises a reference; a missing tag becomes "latest" unless a digest is given. */
export function parseReference(input: string, opts: { defaultTag?: boolean } = {}): Reference {
  const s = input.trim();
  if (!s) throw invalid(input, 'empty name');
  if (HEX64.test(s)) throw invalid(input, 'a 64-character hex string is an image ID, not a name');
  let rest = s;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(input, `bad digest "${digest}" (expected sha256:<64 hex>)`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(input, `bad tag "${tag}"`);
  }
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first)) {
    domain = first;
    path = rest.slice(slash + 1);
    if (!DOMAIN.test(domain)) throw invalid(input, `bad registry host "${domain}"`);
  }
  if (domain === 'index.docker.io') domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_PREFIX + path;
  if (path.toLowerCase() !== path) throw invalid(input, 'repository name must be lowercase');
  for (const part of path.split('/')) {
    if (!COMPONENT.test(part)) throw invalid(input, `bad path component "${part}"`);
  }
  if ((domain + '/' + path).length > 255) throw invalid(input, 'repository name must not be more than 255 characters');
  if (!tag && !digest && opts.defaultTag !== false) tag = DEFAULT_TAG;
  return { domain, path, tag, digest };
}

/** True when the string parses as a reference. */
export function isReference(input: string): boolean {
  try {
    parseReference(input);
    return true;
  } catch {
    return false;
  }
}

/** docker.io/library/busybox (no tag or digest). */
export function repositoryName(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/** Full normalised string: docker.io/library/busybox:latest[@sha256:...]. */
export function formatReference(ref: Reference): string {
  return repositoryName(ref) + (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}

/** Normalises any accepted spelling to the full form. */
export function normalizeReference(input: string): string {
  return formatReference(parseReference(input));
}

/** The short repository name docker prints: busybox, me/app, localhost:5000/app. */
export function familiarRepository(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryName(ref);
  return ref.path.startsWith(OFFICIAL_PREFIX) ? ref.path.slice(OFFICIAL_PREFIX.length) : ref.path;
}

/** busybox:latest, me/app:v1, localhost:5000/app@sha256:... */
export function familiarString(input: string | Reference): string {
  const ref = typeof input === 'string' ? parseReference(input) : input;
  return familiarRepository(ref) + (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}

/** 12-character short ID docker prints (no "sha256:"). */
export function shortId(digest: Digest): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

/** Whether the input looks like an image ID or its prefix (hex, optionally with sha256:). */
export function looksLikeId(input: string): boolean {
  return /^(sha256:)?[a-f0-9]{1,64}$/.test(input);
}
