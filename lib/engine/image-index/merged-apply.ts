// Applies one indexed layer to the merged view (rows with layer = -1), with OCI's rules: the
// layer's whiteouts and opaque markers act on what is below; then its entries are laid over
// (a non-directory over a directory drops what was under it; a directory over a directory
// takes the new metadata and keeps the children); implicit parents keep what was there.
import { MERGED, descendantsRange, type Db } from './index-db.ts';

const PAGE = 5000;

export function applyToMerged(db: Db, layer: number, whiteouts: Set<string>, opaques: Set<string>): void {
  const delOne = db.prepare(`DELETE FROM entries WHERE layer = ${MERGED} AND path = ?`);
  const delBelow = db.prepare(`DELETE FROM entries WHERE layer = ${MERGED} AND path > ? AND path < ?`);
  const lower = db.prepare(`SELECT type FROM entries WHERE layer = ${MERGED} AND path = ?`);
  const page = db.prepare('SELECT path, type, implicit FROM entries WHERE layer = ? AND type IS NOT NULL AND path > ? ORDER BY path LIMIT ?');
  const copy = db.prepare(`INSERT OR REPLACE INTO entries(layer, path, parent, name, change, type, mode, uid, gid, size, mtime, link, sha256, whiteout, opaque, implicit, src)
    SELECT ${MERGED}, path, parent, name, NULL, type, mode, uid, gid, size, mtime, link, sha256, 0, 0, implicit, layer FROM entries WHERE layer = ? AND path = ?`);
  if (opaques.has('')) db.prepare(`DELETE FROM entries WHERE layer = ${MERGED}`).run();
  for (const t of whiteouts) {
    delOne.run(t);
    delBelow.run(...descendantsRange(t));
  }
  for (const d of opaques) if (d !== '') delBelow.run(...descendantsRange(d));
  let after = '';
  for (;;) {
    const rows = page.all(layer, after, PAGE) as Array<{ path: string; type: string; implicit: number }>;
    if (!rows.length) break;
    for (const r of rows) {
      const below = lower.get(r.path) as { type: string | null } | undefined;
      if (r.implicit && below?.type === 'dir') continue;
      if (below?.type === 'dir' && r.type !== 'dir') delBelow.run(...descendantsRange(r.path));
      copy.run(layer, r.path);
    }
    after = rows[rows.length - 1].path;
  }
}

/** Directory totals of one scope: bytes and entries below, direct children; root totals returned. */
export function computeTotals(db: Db, scope: number): { size: number; count: number; children: number } {
  const acc = new Map<string, { size: number; count: number; children: number }>();
  const get = (d: string) => {
    let a = acc.get(d);
    if (!a) acc.set(d, (a = { size: 0, count: 0, children: 0 }));
    return a;
  };
  for (const r of db.prepare('SELECT path, parent, size, type FROM entries WHERE layer = ?').iterate(scope) as Iterable<{ path: string; parent: string; size: number; type: string | null }>) {
    get(r.parent).children++;
    const size = r.type === null ? 0 : r.size;
    for (let d = r.parent; ; d = d.lastIndexOf('/') < 0 ? '' : d.slice(0, d.lastIndexOf('/'))) {
      const a = get(d);
      a.size += size;
      a.count++;
      if (d === '') break;
    }
  }
  const upd = db.prepare('UPDATE entries SET tot_size = ?, tot_count = ?, nchildren = ? WHERE layer = ? AND path = ?');
  for (const [d, a] of acc) if (d !== '') upd.run(a.size, a.count, a.children, scope, d);
  return acc.get('') ?? { size: 0, count: 0, children: 0 };
}
