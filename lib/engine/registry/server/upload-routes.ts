// end-4a/4b (POST upload, monolithic POST ?digest=), end-5 (PATCH chunk), end-6 (PUT complete),
// end-11 (POST ?mount=&from=), end-13 (GET upload status) and DELETE (cancel).
import { assertDigest, isValidName } from './names.ts';
import { RegistryError } from './registry-errors.ts';
import type { RouteContext } from './route-context.ts';
import { blobSizeGuard, coalesce, parseByteRange, send } from './http-util.ts';
import { ingestStream } from '../../content-store/stream-ingest.ts';

const uploadUrl = (name: string, id: string) => `/v2/${name}/blobs/uploads/${id}`;

function accepted(ctx: RouteContext, id: string, offset: number): void {
  send(ctx.res, 202, {
    Location: uploadUrl(ctx.name, id),
    Range: `0-${Math.max(0, offset - 1)}`,
    'Docker-Upload-UUID': id,
  });
}

function created(ctx: RouteContext, digest: string): void {
  send(ctx.res, 201, { Location: `/v2/${ctx.name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
}

export async function startUpload(ctx: RouteContext): Promise<void> {
  const q = ctx.url.searchParams;
  const mount = q.get('mount');
  if (mount) {
    const digest = assertDigest(mount);
    const from = q.get('from') ?? '';
    if (isValidName(from) && (await ctx.mayPull(from)) && (await ctx.links.hasBlob(from, digest)) && (await ctx.content.has(digest))) {
      await ctx.links.linkBlob(ctx.name, digest);
      created(ctx, digest);
      return;
    }
    // not mountable: fall through to a normal upload session (the spec's answer)
  }
  const digestParam = q.get('digest');
  if (digestParam) {
    const digest = assertDigest(digestParam);
    try {
      await ingestStream(ctx.content, coalesce(blobSizeGuard(ctx.req, ctx.maxBlobBytes, ctx.maxBlobBytes)), { digest });
    } catch (err) {
      throw mapIngestError(err, digest);
    }
    await ctx.links.linkBlob(ctx.name, digest);
    created(ctx, digest);
    return;
  }
  ctx.req.resume();
  const info = await ctx.uploads.create(ctx.name);
  accepted(ctx, info.id, 0);
}

export async function patchUpload(ctx: RouteContext, id: string): Promise<void> {
  const header = ctx.req.headers['content-range'];
  const range = header ? parseByteRange(String(header)) : undefined;
  if (header && !range) {
    ctx.req.resume();
    throw new RegistryError('BLOB_UPLOAD_INVALID', `bad Content-Range "${header}": expected "<start>-<end>"`, undefined, 416);
  }
  const offset = await ctx.uploads.locked(id, async () => {
    try {
      const cur = await ctx.uploads.get(ctx.name, id);
      return await ctx.uploads.append(ctx.name, id, blobSizeGuard(ctx.req, ctx.maxBlobBytes - cur.offset, ctx.maxBlobBytes), range);
    } catch (err) {
      if (err instanceof RegistryError && err.status === 416) {
        ctx.req.resume();
        const cur = await ctx.uploads.get(ctx.name, id).catch(() => undefined);
        if (cur) {
          err.headers.Location = uploadUrl(ctx.name, id);
          err.headers.Range = `0-${Math.max(0, cur.offset - 1)}`;
        }
      }
      throw err;
    }
  });
  accepted(ctx, id, offset);
}

export async function putUpload(ctx: RouteContext, id: string): Promise<void> {
  const digestParam = ctx.url.searchParams.get('digest');
  if (!digestParam) {
    ctx.req.resume();
    throw new RegistryError('DIGEST_INVALID', 'completing an upload needs ?digest=sha256:... (the digest of the whole blob)');
  }
  const digest = assertDigest(digestParam);
  const header = ctx.req.headers['content-range'];
  const range = header ? parseByteRange(String(header)) : undefined;
  await ctx.uploads.locked(id, async () => {
    const session = await ctx.uploads.get(ctx.name, id);
    if (session.offset === 0 && !range) {
      // the whole blob in this PUT (docker's usual way): stream it straight into the store
      try {
        await ingestStream(ctx.content, coalesce(blobSizeGuard(ctx.req, ctx.maxBlobBytes, ctx.maxBlobBytes)), { digest });
      } catch (err) {
        throw mapIngestError(err, digest);
      } finally {
        await ctx.uploads.cancel(id);
      }
      return;
    }
    await ctx.uploads.append(ctx.name, id, blobSizeGuard(ctx.req, ctx.maxBlobBytes - session.offset, ctx.maxBlobBytes), range);
    await ctx.uploads.complete(ctx.name, id, digest, ctx.content);
  });
  await ctx.links.linkBlob(ctx.name, digest);
  created(ctx, digest);
}

export async function uploadStatus(ctx: RouteContext, id: string): Promise<void> {
  const info = await ctx.uploads.get(ctx.name, id);
  send(ctx.res, 204, { Location: uploadUrl(ctx.name, id), Range: `0-${Math.max(0, info.offset - 1)}`, 'Docker-Upload-UUID': id });
}

export async function cancelUpload(ctx: RouteContext, id: string): Promise<void> {
  await ctx.uploads.get(ctx.name, id);
  await ctx.uploads.cancel(id);
  send(ctx.res, 204);
}

function mapIngestError(err: unknown, digest: string): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'DIGEST_MISMATCH') {
    return new RegistryError('DIGEST_INVALID', `uploaded content does not match digest ${digest}: nothing was stored`, { digest });
  }
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error).message === 'aborted') {
    return new RegistryError('BLOB_UPLOAD_INVALID', 'the upload was cut short: nothing was stored');
  }
  return err;
}
