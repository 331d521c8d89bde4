// Is an installed version affected by one OSV `affected` entry, and what fixes it?
// OSV's evaluation (osv-schema, "Evaluation"): explicit versions match exactly; a range's events
// are sorted in the ecosystem's order and walked — introduced opens, fixed and a version above
// last_affected close; the version is affected when it falls in an open stretch.
import { compareVersions, type VersionScheme } from './versions.ts';
import type { OsvAffected, OsvEvent } from './vuln.ts';

export interface AffectedResult {
  affected: boolean;
  /** The fixed version of the stretch the version falls in ('' when none). */
  fixed: string;
}

const evVersion = (e: OsvEvent) => e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '';

export function evaluateAffected(scheme: VersionScheme, version: string, aff: OsvAffected): AffectedResult {
  if (aff.versions?.includes(version)) {
    return { affected: true, fixed: firstFixedAbove(scheme, version, aff) };
  }
  for (const range of aff.ranges ?? []) {
    if (range.type !== 'ECOSYSTEM' && range.type !== 'SEMVER') continue;
    const events = [...(range.events ?? [])];
    if (events.some((e) => compareVersions(scheme, evVersion(e), version) === undefined)) continue;
    events.sort((x, y) => {
      const c = compareVersions(scheme, evVersion(x), evVersion(y)) ?? 0;
      if (c) return c;
      return (x.introduced !== undefined ? 0 : 1) - (y.introduced !== undefined ? 0 : 1);
    });
    let open = false;
    let fixed = '';
    for (const e of events) {
      if (e.introduced !== undefined) {
        if (compareVersions(scheme, version, e.introduced)! >= 0) {
          open = true;
          fixed = '';
        }
      } else if (e.fixed !== undefined) {
        if (compareVersions(scheme, version, e.fixed)! >= 0) open = false;
        else if (open && !fixed) fixed = e.fixed;
      } else if (e.last_affected !== undefined) {
        if (compareVersions(scheme, version, e.last_affected)! > 0) open = false;
      } else if (e.limit !== undefined) {
        if (compareVersions(scheme, version, e.limit)! >= 0) open = false;
      }
    }
    if (open) return { affected: true, fixed };
  }
  return { affected: false, fixed: '' };
}

function firstFixedAbove(scheme: VersionScheme, version: string, aff: OsvAffected): string {
  const fixes = (aff.ranges ?? []).flatMap((r) => (r.events ?? []).map((e) => e.fixed).filter((f): f is string => !!f));
  const above = fixes.filter((f) => (compareVersions(scheme, f, version) ?? -1) > 0).sort((a, b) => compareVersions(scheme, a, b) ?? 0);
  return above[0] ?? '';
}
