// Turns one layer's tar entries into rows of the index: content entries classified against the
// merged view BELOW this layer (added or modified, with what they replace), whiteouts and
// opaque markers folded into rows of the paths they delete or hide, and implicit rows for
// parents the tar does not name.
import { EngineError } from '../errors.ts';
import { WHITEOUT_OPAQUE, WHITEOUT_PREFIX } from '../layer/layer.ts';
import { entryContentBytes } from '../layer/content-size.ts';
import { baseName, INSERT_ENTRY, MERGED, descendantsRange, parentOf, rowValues, type Db, type EntryRow } from './index-db.ts';
import type { FileAnalysis } from './file-analysis.ts';
import type { LayerEntry } from './layer-stream.ts';

export interface LayerRowStats {
  entries: number;
  contentSize: number;
  whiteouts: Set<string>;
  opaques: Set<string>;
}

interface LowerRow {
  type: string | null;
  size: number;
  src: number | null;
}

export class LayerRowWriter {
  private insert;
  private lowerStmt;
  private subtreeStmt;
  private rowStmt;
  private whiteoutStmt;
  private opaqueStmt;
  totalEntries = 0;

  constructor(
    private readonly db: Db,
    private readonly maxEntries: number,
  ) {
    this.insert = db.prepare(INSERT_ENTRY);
    this.lowerStmt = db.prepare(`SELECT type, size, src FROM entries WHERE layer = ${MERGED} AND path = ?`);
    this.subtreeStmt = db.prepare(`SELECT COALESCE(SUM(size), 0) AS s FROM entries WHERE layer = ${MERGED} AND path > ? AND path < ?`);
    this.rowStmt = db.prepare('SELECT type FROM entries WHERE layer = ? AND path = ?');
    this.whiteoutStmt = db.prepare('UPDATE entries SET whiteout = 1 WHERE layer = ? AND path = ?');
    this.opaqueStmt = db.prepare("UPDATE entries SET opaque = 1, change = 'opaque', prev_size = ? WHERE layer = ? AND path = ?");
  }

  lower(p: string): LowerRow | undefined {
    return this.lowerStmt.get(p) as LowerRow | undefined;
  }

  /** Bytes strictly below `dir` in the merged view. */
  subtree(dir: string): number {
    return (this.subtreeStmt.get(...descendantsRange(dir)) as { s: number }).s;
  }

  private row(layer: number, p: string, fields: Partial<EntryRow>): EntryRow {
    return {
      layer, path: p, parent: parentOf(p), name: baseName(p), change: null, type: null, mode: null, uid: null, gid: null, size: 0, mtime: null,
      link: null, sha256: null, whiteout: 0, opaque: 0, implicit: 0, src: null, prev_type: null, prev_size: null, ...fields,
    };
  }

  /** Reads every entry of the layer; content rows go in at once, deletions are returned. */
  async write(layer: number, entries: AsyncIterable<LayerEntry>, analysis: FileAnalysis): Promise<LayerRowStats> {
    const stats: LayerRowStats = { entries: 0, contentSize: 0, whiteouts: new Set(), opaques: new Set() };
    const needed = new Set<string>();
    const need = (p: string) => {
      for (let d = parentOf(p); d !== '' && !needed.has(d); d = parentOf(d)) needed.add(d);
    };
    for await (const e of entries) {
      if (++this.totalEntries > this.maxEntries) {
        throw new EngineError('RESOURCE_LIMIT', `the image has more than ${this.maxEntries} files; the explorer indexes at most that many (LAB_INDEX_MAX_ENTRIES)`);
      }
      const p = e.path;
      if (p === '' || !e.type) continue; // the root itself, and metadata-only entries
      stats.entries++;
      const base = baseName(p);
      if (base === WHITEOUT_OPAQUE) {
        const dir = parentOf(p);
        stats.opaques.add(dir);
        if (dir !== '') {
          needed.add(dir);
          need(dir);
        }
        continue;
      }
      if (base.startsWith(WHITEOUT_PREFIX)) {
        const name = base.slice(WHITEOUT_PREFIX.length);
        if (name === '' || name === '.' || name === '..') continue;
        const target = parentOf(p) ? `${parentOf(p)}/${base.slice(WHITEOUT_PREFIX.length)}` : base.slice(WHITEOUT_PREFIX.length);
        stats.whiteouts.add(target);
        need(target);
        continue;
      }
      const h = e.header;
      stats.contentSize += entryContentBytes({ name: p, type: h.type, size: h.size, linkname: h.linkname });
      const lower = this.lower(p);
      let prevSize: number | null = null;
      if (lower) prevSize = lower.type === 'dir' ? (e.type === 'dir' ? 0 : this.subtree(p)) : lower.size;
      let sha: string | null = null;
      if (e.type === 'file') {
        const session = analysis.open(layer, p, h.size ?? 0);
        for await (const chunk of e.body) session.push(chunk as Buffer);
        sha = session.end();
      }
      const link = h.linkname ? (e.type === 'hardlink' ? `/${h.linkname.replace(/^\/+/, '')}` : h.linkname) : null;
      this.insert.run(...rowValues(this.row(layer, p, {
        change: lower ? 'modified' : 'added', type: e.type, mode: (h.mode ?? 0) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0, size: h.size ?? 0,
        mtime: h.mtime ? Math.floor(h.mtime.getTime() / 1000) : null, link, sha256: sha,
        src: lower?.src ?? null, prev_type: lower?.type ?? null, prev_size: prevSize,
      })));
      need(p);
    }
    for (const t of stats.whiteouts) {
      if (this.rowStmt.get(layer, t)) {
        this.whiteoutStmt.run(layer, t);
        continue;
      }
      const lower = this.lower(t);
      const prevSize = lower ? (lower.type === 'dir' ? this.subtree(t) : lower.size) : null;
      this.insert.run(...rowValues(this.row(layer, t, { change: 'deleted', whiteout: 1, src: lower?.src ?? null, prev_type: lower?.type ?? null, prev_size: prevSize })));
    }
    for (const d of stats.opaques) {
      if (d === '') continue;
      const hidden = this.subtree(d);
      if (!this.rowStmt.get(layer, d)) {
        this.insert.run(...rowValues(this.row(layer, d, { type: 'dir', implicit: 1, change: 'opaque', opaque: 1, prev_size: hidden })));
      } else this.opaqueStmt.run(hidden, layer, d);
    }
    for (const d of needed) {
      if (!this.rowStmt.get(layer, d)) this.insert.run(...rowValues(this.row(layer, d, { type: 'dir', implicit: 1 })));
    }
    return stats;
  }
}
