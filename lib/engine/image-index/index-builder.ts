// Builds one image's index file: every layer streamed once into rows (layer-rows.ts), applied
// to the merged view (merged-apply.ts), then directory totals, dive's efficiency, secrets
// (files + config), packages and the summary. Written to a temp file and renamed into place.
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EngineError } from '../errors.ts';
import type { ContentStore, Digest } from '../content-store/content-store.ts';
import type { ImageConfig, Manifest } from '../image/image.ts';
import { scanConfig } from '../secrets/config-scan.ts';
import { createIndexDb, MERGED, setMeta, type Db } from './index-db.ts';
import { DEFAULT_LIMITS, FileAnalysis, type AnalysisLimits } from './file-analysis.ts';
import { layerEntries, type LayerStreamStats } from './layer-stream.ts';
import { LayerRowWriter } from './layer-rows.ts';
import { applyToMerged, computeTotals } from './merged-apply.ts';
import { historySteps } from './history-steps.ts';
import { diveEfficiency, type DiveRow } from './efficiency.ts';
import { readOsRelease } from './os-release-view.ts';
import { INDEX_FORMAT, type IndexSummary, type LayerSummary } from './image-index.ts';

export interface BuildIndexInput {
  content: ContentStore;
  manifestDigest: Digest;
  manifest: Manifest;
  config: ImageConfig;
  /** Where the finished index goes (its directory must exist). */
  file: string;
  limits?: Partial<AnalysisLimits>;
  /** At most this many tar entries over all layers (RESOURCE_LIMIT beyond). */
  maxEntries?: number;
  signal?: AbortSignal;
}

export const DEFAULT_MAX_ENTRIES = Number(process.env.LAB_INDEX_MAX_ENTRIES) || 2_000_000;

function layerStats(db: Db, layer: number) {
  return db.prepare(`SELECT
      SUM(change = 'added') AS added, SUM(change = 'modified') AS modified, SUM(change = 'deleted') AS deleted, SUM(change = 'opaque') AS opaque,
      COALESCE(SUM(CASE WHEN type = 'file' AND change IN ('added', 'modified') THEN size ELSE 0 END), 0) AS addedBytes,
      COALESCE(SUM(CASE WHEN change IN ('deleted', 'opaque', 'modified') THEN COALESCE(prev_size, 0) ELSE 0 END), 0) AS removedBytes
    FROM entries WHERE layer = ?`).get(layer) as Record<string, number | null>;
}

function* diveRows(db: Db, layers: number): Generator<DiveRow[]> {
  const stmt = db.prepare('SELECT path, name, parent, type, size, whiteout, implicit FROM entries WHERE layer = ?');
  for (let i = 0; i < layers; i++) {
    yield (stmt.all(i) as Array<Omit<DiveRow, 'whiteout' | 'implicit'> & { whiteout: number; implicit: number }>).map((r) => ({ ...r, whiteout: !!r.whiteout, implicit: !!r.implicit }));
  }
}

export async function buildIndex(input: BuildIndexInput): Promise<IndexSummary> {
  const started = Date.now();
  const { manifest, config } = input;
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) {
    throw new EngineError('INVALID_INPUT', `the image config lists ${diffIds.length} layers but the manifest ${manifest.layers.length}`);
  }
  const tmp = path.join(path.dirname(input.file), `.${path.basename(input.file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const db = createIndexDb(tmp);
  try {
    const limits = { ...DEFAULT_LIMITS, ...input.limits };
    const analysis = new FileAnalysis(limits);
    const writer = new LayerRowWriter(db, input.maxEntries ?? DEFAULT_MAX_ENTRIES);
    const steps = historySteps(config.history, manifest.layers.length);
    const layers: LayerSummary[] = [];
    for (const [i, desc] of manifest.layers.entries()) {
      if (input.signal?.aborted) throw new EngineError('CANCELLED', 'indexing was cancelled');
      const stream: Partial<LayerStreamStats> = {};
      db.exec('BEGIN');
      const rows = await writer.write(i, layerEntries(input.content, desc, diffIds[i], stream), analysis);
      applyToMerged(db, i, rows.whiteouts, rows.opaques);
      db.exec('COMMIT');
      const s = layerStats(db, i);
      layers.push({
        index: i, digest: desc.digest, diffId: diffIds[i], mediaType: desc.mediaType, compressedSize: desc.size,
        uncompressedSize: stream.uncompressedSize ?? 0, contentSize: rows.contentSize, diveSize: 0,
        step: steps.find((st) => st.layer === i), entries: rows.entries,
        added: s.added ?? 0, modified: s.modified ?? 0, deleted: s.deleted ?? 0, opaque: (s.opaque ?? 0) + (rows.opaques.has('') ? 1 : 0),
        addedBytes: s.addedBytes ?? 0, removedBytes: s.removedBytes ?? 0,
      });
    }
    db.exec('BEGIN');
    for (let i = 0; i < layers.length; i++) computeTotals(db, i);
    const root = computeTotals(db, MERGED);
    const eff = diveEfficiency(diveRows(db, layers.length));
    eff.layerSizes.forEach((n, i) => (layers[i].diveSize = n));
    const insIneff = db.prepare('INSERT INTO inefficiencies(rank, path, count, cumulative, min, layers) VALUES (?, ?, ?, ?, ?, ?)');
    eff.inefficiencies.forEach((d, r) => insIneff.run(r, d.path, d.count, d.cumulativeSize, d.minSize, JSON.stringify(d.layers)));
    const insFinding = db.prepare('INSERT INTO findings(layer, path, line, source, rule, title, severity, key, masked, fingerprint, history) VALUES (?,?,?,?,?,?,?,?,?,?,?)');
    for (const f of analysis.findings) {
      const step = steps.find((s) => s.layer === f.layer);
      insFinding.run(f.layer, `/${f.path}`, f.line, 'file', f.rule.id, f.rule.title, f.rule.severity, f.key ?? null, f.masked, f.fingerprint, step?.history ?? null);
    }
    // scanned in the raw created_by text (the steps hold it with secrets masked, for display)
    const rawSteps = steps.map((st) => ({ ...st, createdBy: config.history?.[st.history]?.created_by ?? '' }));
    for (const f of scanConfig(config, rawSteps)) {
      insFinding.run(f.layer ?? null, null, null, f.source, f.rule, f.title, f.severity, f.key ?? null, f.masked, f.fingerprint, f.step?.history ?? null);
    }
    const insPkg = db.prepare('INSERT INTO packages(layer, path, ecosystem, name, version, data) VALUES (?, ?, ?, ?, ?, ?)');
    for (const p of analysis.packages) insPkg.run(p.layer, p.path, p.pkg.ecosystem, p.pkg.name, p.pkg.version, JSON.stringify(p.pkg));
    const insCap = db.prepare('INSERT OR REPLACE INTO captured(layer, path, data) VALUES (?, ?, ?)');
    for (const c of analysis.captured) insCap.run(c.layer, c.path, c.data);
    const packages = (db.prepare(`SELECT COUNT(*) AS n FROM packages p JOIN entries m ON m.layer = ${MERGED} AND m.path = p.path AND m.src = p.layer`).get() as { n: number }).n;
    const summary: IndexSummary = {
      format: INDEX_FORMAT,
      manifestDigest: input.manifestDigest,
      configDigest: manifest.config.digest,
      architecture: config.architecture,
      os: config.os,
      created: config.created,
      layers,
      steps,
      files: root.count,
      totalSize: root.size,
      osRelease: readOsRelease(db),
      efficiency: {
        score: eff.score, wastedBytes: eff.wastedBytes, userWastedPercent: eff.userWastedPercent, sizeBytes: eff.sizeBytes,
        userSizeBytes: eff.userSizeBytes, inefficientPaths: eff.inefficientPaths,
      },
      secrets: (db.prepare('SELECT COUNT(*) AS n FROM findings').get() as { n: number }).n,
      packages,
      indexedInMs: Date.now() - started,
      indexedAt: new Date().toISOString(),
    };
    setMeta(db, 'summary', summary);
    setMeta(db, 'efficiency-extra', { truncatedLayers: eff.truncatedLayers, userWastedPercent: String(eff.userWastedPercent) });
    setMeta(db, 'skipped', analysis.skipped);
    db.exec('COMMIT');
    db.close();
    const fh = await fs.open(tmp, 'r');
    await fh.sync();
    await fh.close();
    await fs.rename(tmp, input.file);
    return summary;
  } catch (err) {
    if (db.open) db.close();
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
