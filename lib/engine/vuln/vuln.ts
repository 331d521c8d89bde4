/**
 * Vulnerability scanning against a LOCAL database in OSV format (https://ossf.github.io/osv-schema/):
 * the SBOM's packages (sbom/) are matched with the advisories of their ecosystem, like trivy.
 * The lab machines cannot download a database: the operator provides a directory of OSV JSON
 * files (LAB_OSV_DB; the README says how to fetch osv.dev's per-ecosystem exports), and the
 * tests ship a small fixture under testdata/osv.
 *
 * Terms
 *   OSV record   One advisory: id (CVE-…, GHSA-…, GO-…, PYSEC-…, DSA-…, DEBIAN-CVE-…), aliases,
 *                summary/details, severity (CVSS vectors), and `affected` entries, each naming a
 *                package (ecosystem + name) with `ranges` (events: introduced / fixed /
 *                last_affected / limit, in the ecosystem's version order) and/or explicit `versions`.
 *   ecosystem    Which names and which version order apply:
 *                  deb     -> "Debian:<VERSION_ID>" (the image's os-release; matched by the SOURCE
 *                             package, as Debian's tracker names them), dpkg ordering (debian-version.ts)
 *                  pypi    -> "PyPI", names compared after PEP 503 normalisation, PEP 440 ordering
 *                  npm     -> "npm", semver ordering
 *                  golang  -> "Go", module paths ("stdlib" for the toolchain), semver without "v"
 *   database     osv-db.ts walks the directory once and keeps an SQLite index of (ecosystem,
 *                name) -> record in $LAB_ROOT/analysis/osv/, rebuilt when the directory changes
 *                (its own and its subdirectories' mtimes and entry counts); a scan then reads only
 *                the records of the image's packages.
 *   severity     The highest of: CVSS v3 base scores of the record's vectors (cvss.ts), a
 *                database_specific / ecosystem_specific severity word; UNKNOWN otherwise.
 *
 * Entry points: osv-db.ts (openOsvDatabase), scan.ts (scanPackages), versions.ts (compareVersions).
 */
import type { Ecosystem, Package } from '../sbom/sbom.ts';

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';
export const SEVERITY_ORDER: Severity[] = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvAffected {
  package?: { ecosystem?: string; name?: string; purl?: string };
  ranges?: Array<{ type?: string; events?: OsvEvent[] }>;
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvRecord {
  id: string;
  aliases?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  severity?: Array<{ type?: string; score?: string }>;
  affected?: OsvAffected[];
  references?: Array<{ type?: string; url?: string }>;
  database_specific?: Record<string, unknown>;
}

export interface VulnFinding {
  /** The id to show: the record's CVE alias when it has exactly one, else its id. */
  id: string;
  osvId: string;
  aliases: string[];
  severity: Severity;
  /** Highest CVSS v3 base score found, when any. */
  score?: number;
  title: string;
  package: Pick<Package, 'ecosystem' | 'name' | 'version' | 'purl' | 'layer' | 'path' | 'sourceName'>;
  installed: string;
  /** The version that fixes it ('' when no fix is known). */
  fixed: string;
  url?: string;
}

export interface ScanReport {
  /** The OSV ecosystem names used ("Debian:12", "PyPI", ...). */
  ecosystems: string[];
  packages: number;
  findings: VulnFinding[];
  counts: Record<Severity, number>;
  /** Things the scan could not do (no os-release: Debian packages not matched ...). */
  warnings: string[];
}

export const OSV_ECOSYSTEM: Record<Ecosystem, string> = { deb: 'Debian', pypi: 'PyPI', npm: 'npm', golang: 'Go' };
