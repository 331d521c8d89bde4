// Matches packages with OSV records: per package, the records naming it in its ecosystem
// (Debian: the image's release, by source package), each affected entry evaluated (match.ts),
// one finding per (record, package), severities from CVSS vectors or the database's word.
import { cvss3BaseScore, ratingOf } from './cvss.ts';
import { evaluateAffected } from './match.ts';
import { normaliseName, type OsvDatabase } from './osv-db.ts';
import { schemeOf } from './versions.ts';
import { OSV_ECOSYSTEM, SEVERITY_ORDER, type OsvRecord, type ScanReport, type Severity, type VulnFinding } from './vuln.ts';
import type { OsRelease, Package } from '../sbom/sbom.ts';

const WORDS: Record<string, Severity> = { CRITICAL: 'CRITICAL', HIGH: 'HIGH', IMPORTANT: 'HIGH', MODERATE: 'MEDIUM', MEDIUM: 'MEDIUM', LOW: 'LOW', NEGLIGIBLE: 'LOW' };

export function severityOf(rec: OsvRecord, affected?: { ecosystem_specific?: Record<string, unknown>; database_specific?: Record<string, unknown> }): { severity: Severity; score?: number } {
  let best: Severity = 'UNKNOWN';
  let score: number | undefined;
  for (const s of rec.severity ?? []) {
    const v = s.score ? cvss3BaseScore(s.score) : undefined;
    if (v !== undefined && (score === undefined || v > score)) score = v;
  }
  if (score !== undefined) best = ratingOf(score);
  for (const src of [rec.database_specific, affected?.ecosystem_specific, affected?.database_specific]) {
    const w = typeof src?.severity === 'string' ? WORDS[src.severity.toUpperCase()] : undefined;
    if (w && SEVERITY_ORDER.indexOf(w) > SEVERITY_ORDER.indexOf(best)) best = w;
  }
  return { severity: best, score };
}

function displayId(rec: OsvRecord): string {
  if (rec.id.startsWith('CVE-')) return rec.id;
  const cves = [...(rec.aliases ?? []), ...(rec.upstream ?? [])].filter((a) => a.startsWith('CVE-'));
  return new Set(cves).size === 1 ? cves[0] : rec.id;
}

function titleOf(rec: OsvRecord): string {
  const t = rec.summary || (rec.details ?? '').split('\n')[0] || '';
  return t.length > 120 ? `${t.slice(0, 117)}...` : t;
}

/** The OSV ecosystem a package is matched in, its name and version there (undefined: not matchable). */
function target(pkg: Package, os: OsRelease | undefined): { eco: string; full?: string; name: string; version: string } | undefined {
  if (pkg.ecosystem === 'deb') {
    if (!os || os.id !== 'debian' || !os.versionId) return undefined;
    return { eco: 'Debian', full: `Debian:${os.versionId.split('.')[0]}`, name: pkg.sourceName ?? pkg.name, version: pkg.sourceVersion ?? pkg.version };
  }
  if (pkg.ecosystem === 'golang') return { eco: 'Go', name: pkg.name, version: pkg.version.replace(/^v/, '') };
  return { eco: OSV_ECOSYSTEM[pkg.ecosystem], name: pkg.name, version: pkg.version };
}

export function scanPackages(packages: Package[], os: OsRelease | undefined, db: OsvDatabase): ScanReport {
  const warnings: string[] = [];
  const ecosystems = new Set<string>();
  const findings: VulnFinding[] = [];
  const seen = new Set<string>();
  if (packages.some((p) => p.ecosystem === 'deb') && !(os?.id === 'debian' && os.versionId)) {
    warnings.push(`dpkg packages found but the OS is ${os ? `${os.id} ${os.versionId ?? '(no VERSION_ID)'}` : 'unknown (no /etc/os-release)'}: only Debian releases are matched`);
  }
  for (const pkg of packages) {
    const t = target(pkg, os);
    if (!t) continue;
    const scheme = schemeOf(t.eco)!;
    ecosystems.add(t.full ?? t.eco);
    for (const rec of db.lookup(t.eco, t.name)) {
      for (const aff of rec.affected ?? []) {
        const eco = aff.package?.ecosystem ?? '';
        if (t.full ? eco !== t.full : eco.split(':')[0] !== t.eco) continue;
        if (normaliseName(t.eco, aff.package?.name ?? '') !== normaliseName(t.eco, t.name)) continue;
        const r = evaluateAffected(scheme, t.version, aff);
        if (!r.affected) continue;
        const key = `${rec.id}\0${pkg.ecosystem}\0${pkg.name}\0${pkg.version}\0${pkg.path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const sev = severityOf(rec, aff);
        findings.push({
          id: displayId(rec), osvId: rec.id, aliases: rec.aliases ?? [], severity: sev.severity, score: sev.score, title: titleOf(rec),
          package: { ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version, purl: pkg.purl, layer: pkg.layer, path: pkg.path, sourceName: pkg.sourceName },
          installed: pkg.version, fixed: r.fixed, url: rec.references?.find((x) => x.type === 'ADVISORY')?.url ?? rec.references?.[0]?.url,
        });
      }
    }
  }
  findings.sort((a, b) => (a.package.name < b.package.name ? -1 : a.package.name > b.package.name ? 1 : SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity) || (a.id < b.id ? -1 : 1)));
  const counts = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return { ecosystems: [...ecosystems].sort(), packages: packages.length, findings, counts, warnings };
}
