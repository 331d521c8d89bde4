// ImageIndex over one index file (read-only handle).
import { MERGED, getMeta, openIndexDb, type Db } from './index-db.ts';
import { children, entry, layerList, pathHistory, relPath, scopeLayer, search, type Row } from './tree-queries.ts';
import { compareIndexes } from './compare.ts';
import { purlFor } from '../sbom/purl.ts';
import type { Package } from '../sbom/sbom.ts';
import type { SecretFinding, Severity } from '../secrets/secrets.ts';
import type { EfficiencyReport, Inefficiency } from './efficiency.ts';
import type { ChildrenQuery, CompareQuery, CompareReport, ImageIndex, IndexSummary, Page, PathHistory, Scope, SearchQuery, SecretReport, TreeEntry } from './image-index.ts';

export class SqliteImageIndex implements ImageIndex {
  readonly db: Db;
  readonly summary: IndexSummary;

  constructor(readonly file: string) {
    this.db = openIndexDb(file);
    this.summary = getMeta<IndexSummary>(this.db, 'summary')!;
    // JSON has no Infinity/NaN: dive's percentage over zero user bytes is kept as text
    const extra = getMeta<{ userWastedPercent: string }>(this.db, 'efficiency-extra');
    if (extra) this.summary.efficiency.userWastedPercent = Number(extra.userWastedPercent);
  }

  private layer(scope: Scope): number {
    return scopeLayer(scope, this.summary.layers.length);
  }

  children(q: ChildrenQuery): Page<TreeEntry> {
    return children(this.db, this.layer(q.scope), q);
  }

  search(q: SearchQuery): Page<TreeEntry> {
    return search(this.db, this.layer(q.scope), q);
  }

  entry(scope: Scope, path: string): TreeEntry | undefined {
    return entry(this.db, this.layer(scope), path);
  }

  pathHistory(path: string): PathHistory {
    return pathHistory(this.db, path, this.summary.layers.length);
  }

  efficiency(opts: { offset?: number; limit?: number } = {}): EfficiencyReport {
    const e = this.summary.efficiency;
    const offset = Math.max(0, opts.offset ?? 0);
    const limit = Math.min(1000, Math.max(1, opts.limit ?? 100));
    const rows = this.db.prepare('SELECT path, count, cumulative, min, layers FROM inefficiencies ORDER BY rank LIMIT ? OFFSET ?').all(limit, offset) as Array<{ path: string; count: number; cumulative: number; min: number; layers: string }>;
    const extra = getMeta<{ truncatedLayers: number[] }>(this.db, 'efficiency-extra');
    return {
      score: e.score,
      wastedBytes: e.wastedBytes,
      userWastedPercent: e.userWastedPercent,
      sizeBytes: e.sizeBytes,
      userSizeBytes: e.userSizeBytes,
      layerSizes: this.summary.layers.map((l) => l.diveSize),
      inefficiencies: rows.map((r): Inefficiency => ({ path: r.path, count: r.count, cumulativeSize: r.cumulative, minSize: r.min, layers: JSON.parse(r.layers) })),
      inefficientPaths: e.inefficientPaths,
      truncatedLayers: extra?.truncatedLayers ?? [],
    };
  }

  secrets(): SecretReport {
    const rows = this.db.prepare('SELECT * FROM findings ORDER BY layer, path, line').all() as Array<{
      layer: number | null; path: string | null; line: number | null; source: SecretFinding['source']; rule: string; title: string; severity: Severity;
      key: string | null; masked: string; fingerprint: string; history: number | null;
    }>;
    const steps = this.summary.steps;
    const instructionOfLayer = (l: number) => steps.find((s) => s.layer === l)?.instruction;
    const findings = rows.map((r): SecretFinding => {
      const f: SecretFinding = { rule: r.rule, title: r.title, severity: r.severity, source: r.source, masked: r.masked, fingerprint: r.fingerprint };
      if (r.layer !== null) f.layer = r.layer;
      if (r.path) f.path = r.path;
      if (r.line !== null) f.line = r.line;
      if (r.key) f.key = r.key;
      if (r.history !== null) f.step = { history: r.history, instruction: steps[r.history]?.instruction ?? '' };
      if (r.source === 'file' && r.path && r.layer !== null) {
        const removed = this.removal(r.layer, relPath(r.path));
        if (removed) f.removed = { ...removed, instruction: instructionOfLayer(removed.layer) };
      }
      return f;
    });
    const skipped = getMeta<{ tooLarge: number; binary: number }>(this.db, 'skipped') ?? { tooLarge: 0, binary: 0 };
    return { findings, skipped: { tooLarge: skipped.tooLarge, binary: skipped.binary } };
  }

  /** The first later layer that deleted, replaced or hid the file `layer` wrote at `rel`. */
  private removal(layer: number, rel: string): { layer: number; how: 'deleted' | 'replaced' | 'hidden' } | undefined {
    const merged = this.db.prepare(`SELECT src FROM entries WHERE layer = ${MERGED} AND path = ?`).get(rel) as { src: number } | undefined;
    if (merged?.src === layer) return undefined;
    const paths = [rel];
    for (let i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) paths.push(rel.slice(0, i));
    const later = layerList(this.summary.layers.length).split(',').filter((l) => Number(l) > layer).join(',') || '-2';
    const r = this.db.prepare(`SELECT layer, path, type, whiteout, opaque, implicit FROM entries WHERE layer IN (${later}) AND path IN (${paths.map(() => '?').join(',')})
      AND (whiteout = 1 OR (opaque = 1 AND path != ?) OR (type IS NOT NULL AND implicit = 0 AND (path = ? OR type != 'dir')))
      ORDER BY layer, length(path) LIMIT 1`).get(...paths, rel, rel) as Row & { whiteout: number; opaque: number } | undefined;
    if (!r) return merged ? { layer: merged.src, how: 'replaced' } : undefined;
    const how = r.whiteout ? 'deleted' : r.opaque && r.path !== rel ? 'hidden' : 'replaced';
    return { layer: r.layer, how };
  }

  packages(): Package[] {
    const rows = this.db.prepare(`SELECT p.layer, p.path, p.data FROM packages p JOIN entries m ON m.layer = ${MERGED} AND m.path = p.path AND m.src = p.layer`).all() as Array<{ layer: number; path: string; data: string }>;
    // dpkg: one status file rewritten by every apt layer; a package belongs to the first layer listing that version
    const firstDeb = new Map<string, number>();
    for (const r of this.db.prepare("SELECT layer, name, version FROM packages WHERE ecosystem = 'deb' ORDER BY layer").all() as Array<{ layer: number; name: string; version: string }>) {
      const k = `${r.name}\0${r.version}`;
      if (!firstDeb.has(k)) firstDeb.set(k, r.layer);
    }
    const os = this.summary.osRelease;
    const out = rows.map((r) => {
      const pkg = JSON.parse(r.data) as Package;
      pkg.path = `/${r.path}`;
      pkg.layer = r.layer;
      if (pkg.ecosystem === 'deb') {
        pkg.layer = firstDeb.get(`${pkg.name}\0${pkg.version}`) ?? r.layer;
        pkg.purl = purlFor('deb', pkg.name, pkg.version, { arch: pkg.arch, os });
      }
      return pkg;
    });
    return out.sort((a, b) => (a.ecosystem < b.ecosystem ? -1 : a.ecosystem > b.ecosystem ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : (a.path ?? '') < (b.path ?? '') ? -1 : 1));
  }

  compare(other: ImageIndex, q: CompareQuery = {}): CompareReport {
    if (!(other instanceof SqliteImageIndex)) throw new TypeError('compare needs two indexes of this kind');
    return compareIndexes(this, other, q);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

