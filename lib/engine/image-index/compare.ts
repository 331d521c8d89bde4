// Two images side by side: their layer stacks by position (same diffID = same layer; the shared
// base is the run of equal layers from the bottom), and their files (merged views, or layer N
// of each) joined by path: added in B, removed from A, or changed (what differs is named).
import { MERGED, descendantsRange } from './index-db.ts';
import { page, relPath, scopeLayer, toEntry, type Row } from './tree-queries.ts';
import type { CompareQuery, CompareReport, FileComparison, LayerComparison } from './image-index.ts';
import type { SqliteImageIndex } from './sqlite-image-index.ts';

const COLS = 'layer, path, name, change, type, mode, uid, gid, size, mtime, link, sha256, implicit, src, prev_type, prev_size, tot_size, tot_count, nchildren';
const DIFFERS = `(a.type IS NOT b.type OR a.mode IS NOT b.mode OR a.uid IS NOT b.uid OR a.gid IS NOT b.gid OR a.link IS NOT b.link
  OR (a.type != 'dir' AND (a.size != b.size OR a.sha256 IS NOT b.sha256)) OR a.change IS NOT b.change)`;

function whatDiffers(a: Row, b: Row): string[] {
  const out: string[] = [];
  if (a.type !== b.type) out.push('type');
  if (a.type !== 'dir' && a.size !== b.size) out.push('size');
  if (a.type !== 'dir' && a.sha256 !== b.sha256) out.push('content');
  if (a.mode !== b.mode) out.push('mode');
  if (a.uid !== b.uid || a.gid !== b.gid) out.push('owner');
  if (a.link !== b.link) out.push('link');
  if (a.change !== b.change) out.push('change');
  return out;
}

export function compareIndexes(a: SqliteImageIndex, b: SqliteImageIndex, q: CompareQuery): CompareReport {
  const la = a.summary.layers;
  const lb = b.summary.layers;
  const layers: LayerComparison[] = [];
  let shared = 0;
  let stillShared = true;
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    const x = la[i];
    const y = lb[i];
    const side = (l: typeof x) => (l ? { diffId: l.diffId, instruction: l.step?.instruction, contentSize: l.contentSize } : undefined);
    const status: LayerComparison['status'] = !x ? 'only-b' : !y ? 'only-a' : x.diffId === y.diffId ? 'same' : 'changed';
    if (status === 'same' && stillShared) shared++;
    else stillShared = false;
    layers.push({ index: i, status, a: side(x), b: side(y) });
  }
  const scope = q.scope ?? 'merged';
  const layerA = scope === 'merged' ? MERGED : scopeLayer(scope, la.length);
  const layerB = scope === 'merged' ? MERGED : scopeLayer(scope, lb.length);
  const dir = relPath(q.path);
  const [lo, hi] = descendantsRange(dir);
  const offset = Math.max(0, q.offset ?? 0);
  const limit = Math.min(1000, Math.max(1, q.limit ?? 200));
  const db = a.db;
  db.prepare('ATTACH DATABASE ? AS other').run(b.file);
  try {
    const diffSql = `
      SELECT 'changed' AS status, a.path AS path FROM main.entries a JOIN other.entries b ON b.layer = @lb AND b.path = a.path
        WHERE a.layer = @la AND a.path > @lo AND a.path < @hi AND ${DIFFERS}
      UNION ALL
      SELECT 'removed', a.path FROM main.entries a WHERE a.layer = @la AND a.path > @lo AND a.path < @hi
        AND NOT EXISTS (SELECT 1 FROM other.entries b WHERE b.layer = @lb AND b.path = a.path)
      UNION ALL
      SELECT 'added', b.path FROM other.entries b WHERE b.layer = @lb AND b.path > @lo AND b.path < @hi
        AND NOT EXISTS (SELECT 1 FROM main.entries a WHERE a.layer = @la AND a.path = b.path)`;
    const params = { la: layerA, lb: layerB, lo, hi };
    const counts = { added: 0, removed: 0, changed: 0 };
    for (const r of db.prepare(`SELECT status, COUNT(*) AS n FROM (${diffSql}) GROUP BY status`).all(params) as Array<{ status: keyof typeof counts; n: number }>) counts[r.status] = r.n;
    const statuses: FileComparison['status'][] = q.statuses?.length ? q.statuses.filter((x) => x === 'added' || x === 'removed' || x === 'changed') : ['added', 'removed', 'changed'];
    const filter = `WHERE status IN (${statuses.map((s) => `'${s}'`).join(',')})`;
    const total = statuses.reduce((s, k) => s + counts[k], 0);
    const rows = db.prepare(`SELECT status, path FROM (${diffSql}) ${filter} ORDER BY path LIMIT @limit OFFSET @offset`).all({ ...params, limit, offset }) as Array<{ status: FileComparison['status']; path: string }>;
    const getA = db.prepare(`SELECT ${COLS} FROM main.entries WHERE layer = ? AND path = ?`);
    const getB = db.prepare(`SELECT ${COLS} FROM other.entries WHERE layer = ? AND path = ?`);
    const items = rows.map((r): FileComparison => {
      const ra = getA.get(layerA, r.path) as Row | undefined;
      const rb = getB.get(layerB, r.path) as Row | undefined;
      const fc: FileComparison = { path: `/${r.path}`, status: r.status, what: ra && rb ? whatDiffers(ra, rb) : [] };
      if (ra) fc.a = toEntry(ra);
      if (rb) fc.b = toEntry(rb);
      return fc;
    });
    return {
      a: a.summary.manifestDigest,
      b: b.summary.manifestDigest,
      sharedBaseLayers: shared,
      layers,
      files: page(items, total, offset, limit),
      counts,
      sizeDelta: b.summary.totalSize - a.summary.totalSize,
    };
  } finally {
    db.prepare('DETACH DATABASE other').run();
  }
}
