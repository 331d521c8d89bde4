/**
 * Software bill of materials: the packages an image holds, found from the files package
 * managers leave behind, written as CycloneDX 1.5 or SPDX 2.3 JSON with package URLs (purls).
 *
 * Terms
 *   cataloger    Recognises one kind of package record by path and parses it (catalog.ts picks):
 *                  dpkg      /var/lib/dpkg/status (paragraphs with "Status: install ok installed")
 *                            and /var/lib/dpkg/status.d/* (distroless: one paragraph per file)
 *                  python    *.dist-info/METADATA, *.egg-info/PKG-INFO and *.egg-info files
 *                  npm       node_modules/<name>/package.json and node_modules/@scope/<name>/package.json
 *                  go        the build info Go ≥ 1.18 embeds in every binary ("\xff Go buildinf:"
 *                            then the toolchain version and the module list; see go-buildinfo.ts)
 *   os release   /etc/os-release (or /usr/lib/os-release): ID and VERSION_ID decide which
 *                Debian release's advisories apply ("Debian:12" in OSV).
 *   purl         pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12,
 *                pkg:pypi/requests@2.28.1, pkg:npm/%40babel/core@7.0.0,
 *                pkg:golang/golang.org/x/net@v0.17.0 (packageurl-js does the encoding).
 *   layer        The layer whose file listed the package; for dpkg (one status file rewritten by
 *                every apt layer) the first layer whose status lists that name and version.
 *
 * The image index feeds catalogers while it streams each layer (only the matching files'
 * bytes are kept, each capped), records packages per (layer, file), and the SBOM lists those
 * whose file is what the merged view shows — a package removed by a later layer is not in it.
 *
 * Entry points: catalog.ts (which files, parse), cyclonedx.ts / spdx.ts (documents).
 */
export type Ecosystem = 'deb' | 'pypi' | 'npm' | 'golang';

export interface Package {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  purl: string;
  /** Layer and absolute path of the file that lists it. */
  layer?: number;
  path?: string;
  license?: string;
  /** deb: the source package (what Debian's advisories name) and its version. */
  sourceName?: string;
  sourceVersion?: string;
  arch?: string;
  /** golang: the main module, a dependency, or the toolchain's standard library. */
  goRole?: 'main' | 'dep' | 'stdlib';
}

export interface OsRelease {
  id: string;
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
}

/** Caps: a record file larger than this is not parsed (a dpkg status of a big image is ~3 MB). */
export const MAX_RECORD_BYTES = 32 * 1024 * 1024;
/** How many bytes after the Go build info magic are kept (version + module list). */
export const GO_BUILDINFO_WINDOW = 256 * 1024;

export interface SbomDocumentInput {
  /** Image name as the user gave it, and its manifest digest. */
  name: string;
  manifestDigest: string;
  configDigest: string;
  os?: OsRelease;
  packages: Package[];
  /** ISO time written into the document (default now; SOURCE_DATE_EPOCH-like callers pass one). */
  created?: string;
  toolVersion: string;
}
