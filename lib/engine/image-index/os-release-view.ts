// The image's os-release as the merged view shows it: /etc/os-release, following one symlink
// (Debian's points at ../usr/lib/os-release), else /usr/lib/os-release — read from the bytes the
// index captured for the layer the merged entry comes from.
import path from 'node:path';
import { parseOsRelease } from '../sbom/os-release.ts';
import type { OsRelease } from '../sbom/sbom.ts';
import { MERGED, type Db } from './index-db.ts';

export function readOsRelease(db: Db): OsRelease | undefined {
  const entry = db.prepare(`SELECT type, link, src FROM entries WHERE layer = ${MERGED} AND path = ?`);
  const captured = db.prepare('SELECT data FROM captured WHERE layer = ? AND path = ?');
  const read = (p: string, hops = 0): OsRelease | undefined => {
    const e = entry.get(p) as { type: string; link: string | null; src: number } | undefined;
    if (!e) return undefined;
    if (e.type === 'symlink' && e.link && hops < 4) {
      const target = path.posix.normalize(e.link.startsWith('/') ? e.link : path.posix.join('/', path.posix.dirname(p), e.link)).replace(/^\/+/, '');
      return read(target, hops + 1);
    }
    const row = captured.get(e.src, p) as { data: Buffer } | undefined;
    return row ? parseOsRelease(row.data.toString('utf8')) : undefined;
  };
  return read('etc/os-release') ?? read('usr/lib/os-release');
}
