// The image analysis verbs' link to the engine: the daemon's /images/{name}/analysis routes when
// a daemon answers (always, in the lab terminal), else the state directory opened in this
// process. Either way the same AnalysisApi (lib/engine/image-index/analysis-api.ts).
import { connectEngine, DaemonClient } from './daemon-client.ts';
import { toQueryString } from '../engine/image-index/analysis-query.ts';
import type { AnalysisApi } from '../engine/image-index/analysis-api.ts';
import type { ChildrenQuery, CompareQuery, Scope, SearchQuery } from '../engine/image-index/image-index.ts';

class HttpAnalysisApi implements AnalysisApi {
  constructor(private readonly client: DaemonClient) {}

  private get<T>(image: string, what: string, q: object = {}): Promise<T> {
    return this.client.json<T>({ path: `/images/${encodeURIComponent(image)}/analysis${what ? `/${what}` : ''}${toQueryString(q)}` });
  }

  summary(image: string) {
    return this.get<Awaited<ReturnType<AnalysisApi['summary']>>>(image, '');
  }
  tree(image: string, q: ChildrenQuery) {
    return this.get<Awaited<ReturnType<AnalysisApi['tree']>>>(image, 'tree', q);
  }
  search(image: string, q: SearchQuery) {
    return this.get<Awaited<ReturnType<AnalysisApi['search']>>>(image, 'search', q);
  }
  path(image: string, p: string, scope?: Scope) {
    return this.get<Awaited<ReturnType<AnalysisApi['path']>>>(image, 'path', { path: p, scope });
  }
  efficiency(image: string, opts: { offset?: number; limit?: number } = {}) {
    return this.get<Awaited<ReturnType<AnalysisApi['efficiency']>>>(image, 'efficiency', opts);
  }
  secrets(image: string) {
    return this.get<Awaited<ReturnType<AnalysisApi['secrets']>>>(image, 'secrets');
  }
  packages(image: string) {
    return this.get<Awaited<ReturnType<AnalysisApi['packages']>>>(image, 'packages');
  }
  sbom(image: string, format: 'cyclonedx' | 'spdx') {
    return this.get<Record<string, unknown>>(image, 'sbom', { format });
  }
  vulnerabilities(image: string) {
    return this.get<Awaited<ReturnType<AnalysisApi['vulnerabilities']>>>(image, 'vulnerabilities');
  }
  compare(a: string, b: string, q: CompareQuery = {}) {
    return this.get<Awaited<ReturnType<AnalysisApi['compare']>>>(a, 'compare', { ...q, with: b });
  }
}

export async function analysisApi(): Promise<AnalysisApi> {
  const api = await connectEngine();
  if (api instanceof DaemonClient) return new HttpAnalysisApi(api);
  const { LocalAnalysisApi } = await import('../engine/image-index/analysis-api.ts');
  const { engine } = api as unknown as { engine: { root: string; content: import('../engine/content-store/content-store.ts').ContentStore; images: import('../engine/image/image.ts').ImageStore } };
  return new LocalAnalysisApi({ root: engine.root, content: engine.content, images: engine.images, osvDb: process.env.LAB_OSV_DB });
}
