// dpkg's database: /var/lib/dpkg/status holds one RFC 822-style paragraph per package
// (deb-control(5)); only "install ok installed" (or "hold ok installed") paragraphs are installed.
// Distroless images have no status file but /var/lib/dpkg/status.d/<name>, one paragraph each.
import { purlFor } from './purl.ts';
import type { OsRelease, Package } from './sbom.ts';

/** Paragraphs as field maps (keys as written; continuation lines joined with "\n"). */
export function parseControl(text: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  let cur: Record<string, string> = {};
  let last = '';
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (Object.keys(cur).length) out.push(cur);
      cur = {};
      last = '';
      continue;
    }
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      cur[last] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon);
    cur[last] = line.slice(colon + 1).trim();
  }
  if (Object.keys(cur).length) out.push(cur);
  return out;
}

export function parseDpkgStatus(text: string, os?: OsRelease, opts: { requireStatus?: boolean } = {}): Package[] {
  const out: Package[] = [];
  for (const p of parseControl(text)) {
    const name = p.Package;
    const version = p.Version;
    if (!name || !version) continue;
    // "install ok installed" / "hold ok installed"; status.d paragraphs (distroless) carry none
    const installed = p.Status ? /^(install|hold) ok installed$/.test(p.Status.trim()) : opts.requireStatus === false;
    if (!installed) continue;
    const arch = p.Architecture;
    const src = /^(\S+)(?:\s+\((.+)\))?$/.exec(p.Source ?? '');
    out.push({
      ecosystem: 'deb',
      name,
      version,
      arch,
      sourceName: src?.[1] ?? name,
      sourceVersion: src?.[2] ?? version,
      purl: purlFor('deb', name, version, { arch, os }),
    });
  }
  return out;
}
