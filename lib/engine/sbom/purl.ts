// Package URLs (github.com/package-url/purl-spec) through packageurl-js, which does the
// percent-encoding rules per type (an npm scope "@babel" is the namespace, encoded %40babel).
import { PackageURL } from 'packageurl-js';
import type { Ecosystem, OsRelease } from './sbom.ts';

export function purlFor(eco: Ecosystem, name: string, version: string, extra: { arch?: string; os?: OsRelease } = {}): string {
  switch (eco) {
    case 'deb': {
      const q: Record<string, string> = {};
      if (extra.arch) q.arch = extra.arch;
      if (extra.os?.id && extra.os.versionId) q.distro = `${extra.os.id}-${extra.os.versionId}`;
      return new PackageURL('deb', extra.os?.id ?? 'debian', name, version, Object.keys(q).length ? q : undefined, undefined).toString();
    }
    case 'npm': {
      const slash = name.startsWith('@') ? name.indexOf('/') : -1;
      return slash > 0
        ? new PackageURL('npm', name.slice(0, slash), name.slice(slash + 1), version, undefined, undefined).toString()
        : new PackageURL('npm', undefined, name, version, undefined, undefined).toString();
    }
    case 'pypi':
      return new PackageURL('pypi', undefined, normalisePythonName(name), version, undefined, undefined).toString();
    case 'golang': {
      const slash = name.lastIndexOf('/');
      return slash > 0
        ? new PackageURL('golang', name.slice(0, slash), name.slice(slash + 1), version, undefined, undefined).toString()
        : new PackageURL('golang', undefined, name, version, undefined, undefined).toString();
    }
  }
}

/** PEP 503: lower case, runs of "-", "_", "." become one "-". */
export function normalisePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
