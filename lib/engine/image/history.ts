// `docker history` rows: newest first, one row per history entry, IMAGE is the image ID on the
// top row and on the top row of any local image this one is built on, `<missing>` elsewhere
// (what docker prints for BuildKit images, which record no parent chain); SIZE is the
// uncompressed size of the entry's layer, 0B for empty_layer entries.
import type { Image } from './image.ts';
import { humanSize, timeAgo } from './human-units.ts';
import { ellipsis, tabwrite } from './table.ts';
import { familiarString, shortId } from './reference.ts';

export interface HistoryRow {
  Id: string; // image ID or "<missing>"
  Created: number; // unix seconds (docker API)
  CreatedAt?: string;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export async function historyRows(img: Image, locals: Image[], layerSize: (i: number) => Promise<number>): Promise<HistoryRow[]> {
  const history = img.config.history ?? [];
  const diffIds = img.config.rootfs.diff_ids;
  // index of the last history entry of each local image that img extends (same entries, same layers)
  const bases = new Map<number, Image>();
  for (const base of locals) {
    const bh = base.config.history ?? [];
    if (base.id === img.id || bh.length === 0 || bh.length > history.length) continue;
    const sameHistory = bh.every((h, i) => JSON.stringify(h) === JSON.stringify(history[i]));
    const bd = base.config.rootfs.diff_ids;
    if (sameHistory && bd.every((d, i) => diffIds[i] === d)) bases.set(bh.length - 1, base);
  }
  const rows: HistoryRow[] = [];
  let layer = history.filter((h) => !h.empty_layer).length;
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i];
    let size = 0;
    if (!h.empty_layer) {
      layer--;
      size = layer >= 0 ? await layerSize(layer) : 0;
    }
    const owner = i === history.length - 1 ? img : bases.get(i);
    const t = h.created ? Date.parse(h.created) : NaN;
    rows.push({
      Id: owner ? owner.id : '<missing>',
      Created: Number.isNaN(t) ? 0 : Math.floor(t / 1000),
      CreatedAt: h.created,
      CreatedBy: h.created_by ?? '',
      Tags: owner && owner.names.length ? owner.names.map((n) => familiarString(n)) : null,
      Size: size,
      Comment: h.comment ?? '',
    });
  }
  if (rows.length === 0) {
    rows.push({ Id: img.id, Created: 0, CreatedBy: '', Tags: img.names.map((n) => familiarString(n)), Size: img.size, Comment: '' });
  }
  return rows;
}

/** The fields docker's history --format sees ({{.ID}}, {{.CreatedBy}}, {{.Size}} ...). */
export function historyFormatFields(row: HistoryRow, opts: { noTrunc?: boolean; human?: boolean; now?: number }) {
  const trunc = !opts.noTrunc;
  const createdBy = row.CreatedBy.replace(/\t/g, ' ');
  return {
    ID: row.Id === '<missing>' || !trunc ? row.Id : shortId(row.Id),
    CreatedSince: opts.human === false ? row.CreatedAt ?? '' : row.CreatedAt ? timeAgo(row.CreatedAt, opts.now) : 'N/A',
    CreatedAt: row.CreatedAt ?? '',
    CreatedBy: trunc ? ellipsis(createdBy, 45) : createdBy,
    Size: opts.human === false ? String(row.Size) : humanSize(row.Size),
    Comment: row.Comment,
  };
}

export function renderHistoryTable(rows: HistoryRow[], opts: { noTrunc?: boolean; human?: boolean; now?: number } = {}): string {
  const lines = [['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT']];
  for (const r of rows) {
    const f = historyFormatFields(r, opts);
    lines.push([f.ID, f.CreatedSince, f.CreatedBy, f.Size, f.Comment]);
  }
  return tabwrite(lines);
}
