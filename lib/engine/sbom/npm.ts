// npm packages: the package.json at the root of each node_modules/<name> (or @scope/<name>).
import { purlFor } from './purl.ts';
import type { Package } from './sbom.ts';

export function parseNpmPackageJson(text: string): Package | undefined {
  let pkg: { name?: unknown; version?: unknown; license?: unknown };
  try {
    pkg = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof pkg?.name !== 'string' || typeof pkg.version !== 'string' || !pkg.name || !pkg.version) return undefined;
  const license = typeof pkg.license === 'string' ? pkg.license : typeof (pkg.license as { type?: unknown })?.type === 'string' ? (pkg.license as { type: string }).type : undefined;
  return { ecosystem: 'npm', name: pkg.name, version: pkg.version, license: license?.slice(0, 200), purl: purlFor('npm', pkg.name, pkg.version) };
}
