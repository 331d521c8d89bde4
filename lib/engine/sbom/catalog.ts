// Which files hold package records, and how each kind is parsed. The image index asks
// recordKind() for every regular file while it streams a layer and keeps the bytes of the
// matching ones (capped at MAX_RECORD_BYTES); ELF files go through the Go build info sniffer.
import { parseDpkgStatus } from './dpkg.ts';
import { goPackages, parseGoBuildInfo } from './go-buildinfo.ts';
import { parseNpmPackageJson } from './npm.ts';
import { parsePythonMetadata } from './python.ts';
import type { Package } from './sbom.ts';

export type RecordKind = 'dpkg-status' | 'dpkg-status-d' | 'python' | 'npm' | 'os-release';

const KINDS: Array<[RegExp, RecordKind]> = [
  [/^var\/lib\/dpkg\/status$/, 'dpkg-status'],
  [/^var\/lib\/dpkg\/status\.d\/[^/]+$/, 'dpkg-status-d'],
  [/\.dist-info\/METADATA$|\.egg-info\/PKG-INFO$|\.egg-info$/, 'python'],
  [/(^|\/)node_modules\/(@[^/]+\/)?[^/@.][^/]*\/package\.json$/, 'npm'],
  [/^(etc|usr\/lib)\/os-release$/, 'os-release'],
];

/** The kind of record a path (no leading slash) holds, if any. */
export function recordKind(path: string): RecordKind | undefined {
  if (path.startsWith('var/lib/dpkg/status.d/') && /\.(md5sums|list|conffiles)$/.test(path)) return undefined;
  for (const [re, kind] of KINDS) if (re.test(path)) return kind;
  return undefined;
}

/** Packages listed by one record file (os-release lists none: the index keeps its bytes). */
export function parseRecord(kind: RecordKind, data: Buffer): Package[] {
  const text = data.toString('utf8');
  switch (kind) {
    case 'dpkg-status':
      return parseDpkgStatus(text);
    case 'dpkg-status-d':
      return parseDpkgStatus(text, undefined, { requireStatus: false });
    case 'python': {
      const p = parsePythonMetadata(text);
      return p ? [p] : [];
    }
    case 'npm': {
      const p = parseNpmPackageJson(text);
      return p ? [p] : [];
    }
    case 'os-release':
      return [];
  }
}

export { goPackages, parseGoBuildInfo };
