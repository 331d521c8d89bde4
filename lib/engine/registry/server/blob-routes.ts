// end-2 (GET/HEAD blob, with Range) and end-10 (DELETE blob).
import { pipeline } from 'node:stream/promises';
import { assertDigest } from './names.ts';
import { RegistryError } from './registry-errors.ts';
import type { RouteContext } from './route-context.ts';
import { parseByteRange, send } from './http-util.ts';

function blobUnknown(name: string, digest: string): RegistryError {
  return new RegistryError('BLOB_UNKNOWN', `blob ${digest} is not in repository ${name}`, { digest });
}

export async function getBlob(ctx: RouteContext, digestParam: string, head: boolean): Promise<void> {
  const digest = assertDigest(digestParam);
  if (!(await ctx.links.hasBlob(ctx.name, digest))) throw blobUnknown(ctx.name, digest);
  const info = await ctx.content.info(digest);
  if (!info) throw blobUnknown(ctx.name, digest);
  const base = { 'Content-Type': 'application/octet-stream', 'Docker-Content-Digest': digest, 'Accept-Ranges': 'bytes', ETag: `"${digest}"` };
  const rangeHeader = ctx.req.headers.range;
  if (rangeHeader && !head) {
    const range = parseByteRange(rangeHeader, info.size);
    if (!range || range.start >= info.size) {
      const err = new RegistryError('BLOB_UNKNOWN', `range ${rangeHeader} is not satisfiable for a blob of ${info.size} bytes`, undefined, 416);
      err.headers['Content-Range'] = `bytes */${info.size}`;
      throw err;
    }
    const end = Math.min(range.end, info.size - 1);
    ctx.res.writeHead(206, { ...base, 'Content-Length': end - range.start + 1, 'Content-Range': `bytes ${range.start}-${end}/${info.size}` });
    await pipeline(await ctx.content.createReadStream(digest, { start: range.start, end }), ctx.res);
    return;
  }
  if (head) {
    send(ctx.res, 200, { ...base, 'Content-Length': info.size });
    return;
  }
  ctx.res.writeHead(200, { ...base, 'Content-Length': info.size });
  await pipeline(await ctx.content.createReadStream(digest), ctx.res);
}

/** Unlinks the blob from the repository; the bytes stay for other users until GC. */
export async function deleteBlob(ctx: RouteContext, digestParam: string): Promise<void> {
  const digest = assertDigest(digestParam);
  if (!(await ctx.links.unlinkBlob(ctx.name, digest))) throw blobUnknown(ctx.name, digest);
  send(ctx.res, 202, { 'Docker-Content-Digest': digest });
}
