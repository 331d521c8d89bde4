// os-release(5): shell-style KEY=value lines, values optionally quoted.
import type { OsRelease } from './sbom.ts';

export function parseOsRelease(text: string): OsRelease | undefined {
  const f: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2].trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    f[m[1]] = v.replace(/\\(["$`\\])/g, '$1');
  }
  if (!f.ID) return undefined;
  return { id: f.ID, versionId: f.VERSION_ID, versionCodename: f.VERSION_CODENAME, prettyName: f.PRETTY_NAME };
}
