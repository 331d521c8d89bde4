// The analysis of an image as one API, the same in-process (LocalAnalysisApi: the daemon's
// routes and the CLI without a daemon) and over the daemon socket (lib/cli/analysis-client.ts).
// The caller's image store decides which images exist (a namespace sees its own and the base
// images); the index behind them is shared, keyed by manifest digest.
import path from 'node:path';
import type { ContentStore } from '../content-store/content-store.ts';
import type { Image, ImageStore } from '../image/image.ts';
import { cycloneDx } from '../sbom/cyclonedx.ts';
import { spdx } from '../sbom/spdx.ts';
import type { OsRelease, Package } from '../sbom/sbom.ts';
import { openOsvDatabase } from '../vuln/osv-db.ts';
import { scanPackages } from '../vuln/scan.ts';
import type { ScanReport } from '../vuln/vuln.ts';
import { EngineError } from '../errors.ts';
import { imageIndexCache } from './index-cache.ts';
import type { EfficiencyReport } from './efficiency.ts';
import type { ChildrenQuery, CompareQuery, CompareReport, ImageIndex, IndexSummary, Page, PathHistory, Scope, SearchQuery, SecretReport, TreeEntry } from './image-index.ts';

export const LAB_VERSION = '0.1.0';

export interface ImageView extends IndexSummary {
  /** What the caller asked for, and the names pointing at the image in the caller's store. */
  name: string;
  names: string[];
  imageId: string;
}

export interface AnalysisApi {
  summary(image: string): Promise<ImageView>;
  tree(image: string, q: ChildrenQuery): Promise<Page<TreeEntry>>;
  search(image: string, q: SearchQuery): Promise<Page<TreeEntry>>;
  path(image: string, p: string, scope?: Scope): Promise<{ entry?: TreeEntry; history: PathHistory }>;
  efficiency(image: string, opts?: { offset?: number; limit?: number }): Promise<EfficiencyReport>;
  secrets(image: string): Promise<SecretReport>;
  packages(image: string): Promise<{ os?: OsRelease; packages: Package[] }>;
  sbom(image: string, format: 'cyclonedx' | 'spdx'): Promise<Record<string, unknown>>;
  vulnerabilities(image: string): Promise<ScanReport>;
  compare(a: string, b: string, q?: CompareQuery): Promise<CompareReport>;
}

export interface AnalysisDeps {
  root: string;
  content: ContentStore;
  images: ImageStore;
  /** The OSV directory (LAB_OSV_DB of the process serving it; never a client's choice). */
  osvDb?: string;
}

export class LocalAnalysisApi implements AnalysisApi {
  constructor(private readonly deps: AnalysisDeps) {}

  private get cache() {
    return imageIndexCache(this.deps.root, this.deps.content);
  }

  private async with<T>(name: string, fn: (ix: ImageIndex, img: Image) => T | Promise<T>): Promise<T> {
    const img = await this.deps.images.get(name);
    return this.cache.use({ manifestDigest: img.target.digest, manifest: img.manifest, config: img.config }, (ix) => fn(ix, img));
  }

  summary(name: string): Promise<ImageView> {
    return this.with(name, (ix, img) => ({ ...ix.summary, name, names: img.names, imageId: img.id }));
  }

  tree(name: string, q: ChildrenQuery) {
    return this.with(name, (ix) => ix.children(q));
  }

  search(name: string, q: SearchQuery) {
    return this.with(name, (ix) => ix.search(q));
  }

  path(name: string, p: string, scope: Scope = 'merged') {
    return this.with(name, (ix) => ({ entry: ix.entry(scope, p), history: ix.pathHistory(p) }));
  }

  efficiency(name: string, opts: { offset?: number; limit?: number } = {}) {
    return this.with(name, (ix) => ix.efficiency(opts));
  }

  secrets(name: string) {
    return this.with(name, (ix) => ix.secrets());
  }

  packages(name: string) {
    return this.with(name, (ix) => ({ os: ix.summary.osRelease, packages: ix.packages() }));
  }

  sbom(name: string, format: 'cyclonedx' | 'spdx') {
    return this.with(name, (ix) => {
      const input = {
        name, manifestDigest: ix.summary.manifestDigest, configDigest: ix.summary.configDigest, os: ix.summary.osRelease, packages: ix.packages(),
        toolVersion: LAB_VERSION, created: process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000).toISOString() : undefined,
      };
      return format === 'spdx' ? spdx(input) : cycloneDx(input);
    });
  }

  async vulnerabilities(name: string) {
    const dir = this.deps.osvDb;
    if (!dir) throw new EngineError('FAILED_PRECONDITION', 'no vulnerability database is configured: the operator sets LAB_OSV_DB to a directory of OSV JSON files (see lib/engine/vuln/README.md)');
    const db = await openOsvDatabase(dir, path.join(this.deps.root, 'analysis', 'osv'));
    try {
      return await this.with(name, (ix) => scanPackages(ix.packages(), ix.summary.osRelease, db));
    } finally {
      db.close();
    }
  }

  async compare(a: string, b: string, q: CompareQuery = {}) {
    return this.with(a, (ia) => this.with(b, (ib) => ia.compare(ib, q)));
  }
}
