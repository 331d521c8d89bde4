// Image references (`alpine`, `ghcr.io/o/r:1.2@sha256:...`) with the grammar and the
// normalisation of distribution/reference, which BuildKit applies to every FROM image and
// COPY --from image: `alpine` means `docker.io/library/alpine:latest`.

export interface ImageRef {
  /** Registry host (and port): `docker.io` when none is written. */
  domain: string;
  /** Repository path: `library/alpine` for official images. */
  path: string;
  tag?: string;
  digest?: string;
  /** Fully qualified, `:latest` added when there is neither tag nor digest. */
  normalized: string;
}

export class ImageRefError extends Error {}

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(
  `^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);
const HEX64 = /^[a-f0-9]{64}$/;

/** distribution/reference's splitDockerDomain. */
function splitDomain(name: string): [string, string] {
  const i = name.indexOf('/');
  let domain: string;
  let rest: string;
  const first = i < 0 ? '' : name.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = 'docker.io';
    rest = name;
  } else {
    domain = first;
    rest = name.slice(i + 1);
  }
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !rest.includes('/')) rest = 'library/' + rest;
  return [domain, rest];
}

/** Parse and normalise like reference.ParseNormalizedNamed + TagNameOnly. */
export function parseImageRef(s: string): ImageRef {
  if (HEX64.test(s)) throw new ImageRefError(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  const [domain, remainder] = splitDomain(s);
  const colon = remainder.indexOf(':');
  const remote = colon < 0 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) {
    throw new ImageRefError(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  const full = `${domain}/${remainder}`;
  const m = REFERENCE.exec(full);
  if (!m) {
    if (s === '') throw new ImageRefError('repository name must have at least one component');
    throw new ImageRefError('invalid reference format');
  }
  if (m[1].length > 255) throw new ImageRefError('repository name must not be more than 255 characters');
  const path = m[1].slice(domain.length + 1);
  const ref: ImageRef = { domain, path, normalized: m[1] };
  if (m[2] !== undefined) ref.tag = m[2];
  if (m[3] !== undefined) ref.digest = m[3];
  if (ref.tag === undefined && ref.digest === undefined) ref.normalized += ':latest';
  else ref.normalized += (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
  return ref;
}
