// The daemon's image analysis endpoints (read-only JSON) over an AnalysisApi of the caller's
// namespace (image-index/analysis-api.ts). Mounted before the image routes like the container
// routes: resolves true when it answered. The first request for an image builds its index
// (seconds for a big image); later ones read the index file.
//
//   GET /images/{name}/analysis                     ImageView (layers, steps, totals, efficiency summary)
//   GET /images/{name}/analysis/tree?scope=merged|N&path=/usr&sort=name|size&offset=&limit=
//          &glob=**/*.so&text=ssl&minSize=1MB&maxSize=&change=added,deleted&type=file   Page<TreeEntry>
//   GET /images/{name}/analysis/search?scope=&sort=path|size&... (same filters)         Page<TreeEntry>
//   GET /images/{name}/analysis/path?path=/etc/passwd&scope=      {entry, history}
//   GET /images/{name}/analysis/efficiency?offset=&limit=         EfficiencyReport (dive)
//   GET /images/{name}/analysis/secrets                           SecretReport (masked)
//   GET /images/{name}/analysis/packages                          {os, packages}
//   GET /images/{name}/analysis/sbom?format=cyclonedx|spdx        the document
//   GET /images/{name}/analysis/vulnerabilities                   ScanReport (the daemon's LAB_OSV_DB)
//   GET /images/{name}/analysis/compare?with=OTHER&scope=&path=&status=&offset=&limit=   CompareReport
// {name} is URL-encoded (slashes as %2F). Errors: {message, code} with ERROR_STATUS's status.
import type http from 'node:http';
import { EngineError } from '../errors.ts';
import type { AnalysisApi } from '../image-index/analysis-api.ts';
import { childrenQueryFrom, compareQueryFrom, parseScope, searchQueryFrom } from '../image-index/analysis-query.ts';
import { sendError, sendJson } from './http-server.ts';

const ROUTE = /^\/images\/(.+)\/analysis(?:\/([a-z]+))?$/;

export function analysisRoutes(api: AnalysisApi, opts: { scrub?: (m: string) => string } = {}) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://lab');
    const p = url.pathname.replace(/^\/v[0-9.]+(?=\/)/, '');
    const m = ROUTE.exec(p);
    if (!m || (req.method ?? 'GET') !== 'GET') return false;
    const q = url.searchParams;
    try {
      const name = decodeURIComponent(m[1]);
      const body = await answer(api, name, m[2] ?? '', q);
      if (body === undefined) return false;
      sendJson(res, 200, body);
    } catch (err) {
      sendError(res, err, opts.scrub);
    }
    return true;
  };
}

async function answer(api: AnalysisApi, name: string, what: string, q: URLSearchParams): Promise<unknown> {
  switch (what) {
    case '':
      return api.summary(name);
    case 'tree':
      return api.tree(name, childrenQueryFrom(q));
    case 'search':
      return api.search(name, searchQueryFrom(q));
    case 'path':
      return api.path(name, q.get('path') ?? '/', parseScope(q.get('scope')));
    case 'efficiency':
      return api.efficiency(name, { offset: Number(q.get('offset') ?? 0) || 0, limit: Number(q.get('limit') ?? 100) || 100 });
    case 'secrets':
      return api.secrets(name);
    case 'packages':
      return api.packages(name);
    case 'sbom': {
      const format = q.get('format') ?? 'cyclonedx';
      if (format !== 'cyclonedx' && format !== 'spdx') throw new EngineError('INVALID_INPUT', 'format must be cyclonedx or spdx');
      return api.sbom(name, format);
    }
    case 'vulnerabilities':
      return api.vulnerabilities(name);
    case 'compare': {
      const other = q.get('with');
      if (!other) throw new EngineError('INVALID_INPUT', 'with= (the image to compare with) is required');
      return api.compare(name, other, compareQueryFrom(q));
    }
    default:
      return undefined;
  }
}
