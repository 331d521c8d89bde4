// Python distributions: the core metadata file (PEP 566 / packaging's "Core metadata
// specifications") in *.dist-info/METADATA, *.egg-info/PKG-INFO or a single-file *.egg-info —
// email-header fields (Name, Version, License), the body after the first blank line ignored.
import { purlFor } from './purl.ts';
import type { Package } from './sbom.ts';

export function parsePythonMetadata(text: string): Package | undefined {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') break; // the description body follows
    const m = /^([A-Za-z][A-Za-z0-9-]*):\s?(.*)$/.exec(line.replace(/\r$/, ''));
    if (m && !(m[1] in fields)) fields[m[1]] = m[2].trim();
  }
  const name = fields.Name;
  const version = fields.Version;
  if (!name || !version) return undefined;
  const license = fields['License-Expression'] || (fields.License && fields.License !== 'UNKNOWN' ? fields.License : undefined);
  return { ecosystem: 'pypi', name, version, license: license?.slice(0, 200), purl: purlFor('pypi', name, version) };
}
