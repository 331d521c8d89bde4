// Version order per OSV ecosystem: dpkg's for Debian, PEP 440 for PyPI (@renovatebot/pep440),
// semver for npm and Go (the semver package; Go's "v" prefix and "+incompatible" dropped).
// "0" as an `introduced` event means "from the first version" in every ecosystem.
import * as pep440 from '@renovatebot/pep440';
import semver from 'semver';
import { compareDebianVersions } from './debian-version.ts';

export type VersionScheme = 'Debian' | 'PyPI' | 'npm' | 'Go';

function semverOf(v: string): string | null {
  const s = v.replace(/^v/, '').replace(/\+incompatible$/, '');
  return semver.valid(s, { loose: true }) ?? semver.valid(semver.coerce(s, { includePrerelease: true }) ?? '') ?? null;
}

/** <0, 0, >0; undefined when either version cannot be ordered in the scheme. */
export function compareVersions(scheme: VersionScheme, a: string, b: string): number | undefined {
  if (a === b) return 0;
  if (a === '0') return -1;
  if (b === '0') return 1;
  switch (scheme) {
    case 'Debian':
      return compareDebianVersions(a, b);
    case 'PyPI': {
      if (!pep440.valid(a) || !pep440.valid(b)) return undefined;
      return pep440.compare(a, b);
    }
    case 'npm':
    case 'Go': {
      const x = semverOf(a);
      const y = semverOf(b);
      return x && y ? semver.compare(x, y, { loose: true }) : undefined;
    }
  }
}

/** The scheme of an OSV ecosystem string ("Debian:12" -> Debian). */
export function schemeOf(osvEcosystem: string): VersionScheme | undefined {
  const base = osvEcosystem.split(':')[0];
  return base === 'Debian' || base === 'PyPI' || base === 'npm' || base === 'Go' ? base : undefined;
}
