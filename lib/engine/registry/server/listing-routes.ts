// end-8a/8b (tag list with n/last pagination) and end-12a/12b (referrers, artifactType filter).
import { MediaTypes } from '../../image/image.ts';
import { assertDigest } from './names.ts';
import { RegistryError } from './registry-errors.ts';
import type { RouteContext } from './route-context.ts';
import { sendJson } from './http-util.ts';

export async function listTags(ctx: RouteContext): Promise<void> {
  if (!(await ctx.links.exists(ctx.name))) {
    throw new RegistryError('NAME_UNKNOWN', `repository ${ctx.name} is not known to this registry`, { name: ctx.name });
  }
  let tags = await ctx.links.tags(ctx.name);
  const q = ctx.url.searchParams;
  const last = q.get('last');
  if (last) tags = tags.filter((t) => t > last);
  const headers: Record<string, string> = {};
  const nParam = q.get('n');
  if (nParam !== null) {
    const n = Number(nParam);
    if (!Number.isInteger(n) || n < 0) throw new RegistryError('BLOB_UPLOAD_INVALID', `n must be a non-negative integer (got "${nParam}")`, undefined, 400);
    if (tags.length > n) {
      tags = tags.slice(0, n);
      if (n > 0) headers.Link = `</v2/${ctx.name}/tags/list?n=${n}&last=${encodeURIComponent(tags[n - 1])}>; rel="next"`;
    }
  }
  sendJson(ctx.res, 200, { name: ctx.name, tags }, headers);
}

export async function listReferrers(ctx: RouteContext, digestParam: string): Promise<void> {
  const subject = assertDigest(digestParam);
  let list = await ctx.links.referrers(ctx.name, subject);
  const filter = ctx.url.searchParams.get('artifactType');
  const headers: Record<string, string> = {};
  if (filter) {
    list = list.filter((r) => r.artifactType === filter);
    headers['OCI-Filters-Applied'] = 'artifactType';
  }
  sendJson(ctx.res, 200, { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: list }, headers, MediaTypes.ociIndex);
}
