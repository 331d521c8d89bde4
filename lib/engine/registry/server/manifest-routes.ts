// end-3 (GET/HEAD manifest), end-7 (PUT manifest), end-9 (DELETE manifest or tag).
// Manifests are stored as the exact bytes received; their digest is the sha256 of those bytes.
import { sha256 } from '../../content-store/digest.ts';
import { assertDigest, assertTag, isDigestRef } from './names.ts';
import { RegistryError } from './registry-errors.ts';
import type { RouteContext } from './route-context.ts';
import { readBody, send } from './http-util.ts';
import { validateManifest } from './manifest-validation.ts';

function manifestUnknown(name: string, reference: string): RegistryError {
  return new RegistryError('MANIFEST_UNKNOWN', `manifest ${reference} is not in repository ${name}`, { name, reference });
}

/** Tag or digest -> digest; MANIFEST_UNKNOWN when the repository has nothing by that name. */
async function resolve(ctx: RouteContext, reference: string): Promise<string> {
  if (isDigestRef(reference)) {
    const digest = assertDigest(reference);
    if (!(await ctx.links.revision(ctx.name, digest))) throw manifestUnknown(ctx.name, reference);
    return digest;
  }
  assertTag(reference);
  const digest = await ctx.links.tag(ctx.name, reference);
  if (!digest) {
    if (!(await ctx.links.exists(ctx.name))) throw new RegistryError('NAME_UNKNOWN', `repository ${ctx.name} is not known to this registry`, { name: ctx.name }, 404);
    throw manifestUnknown(ctx.name, reference);
  }
  return digest;
}

export async function getManifest(ctx: RouteContext, reference: string, head: boolean): Promise<void> {
  const digest = await resolve(ctx, reference);
  const rev = await ctx.links.revision(ctx.name, digest);
  if (!rev) throw manifestUnknown(ctx.name, reference);
  let bytes: Buffer;
  try {
    bytes = await ctx.content.get(digest);
  } catch {
    throw manifestUnknown(ctx.name, reference);
  }
  const headers = { 'Content-Type': rev.mediaType, 'Docker-Content-Digest': digest, ETag: `"${digest}"`, 'Content-Length': String(bytes.length) };
  if (head) send(ctx.res, 200, headers);
  else send(ctx.res, 200, headers, bytes);
}

export async function putManifest(ctx: RouteContext, reference: string): Promise<void> {
  const byDigest = isDigestRef(reference);
  if (byDigest) assertDigest(reference);
  else assertTag(reference);
  const body = await readBody(ctx.req, ctx.maxManifestBytes);
  const digest = sha256(body);
  if (byDigest && digest !== reference) {
    throw new RegistryError('DIGEST_INVALID', `manifest bytes hash to ${digest}, not ${reference}: send the exact bytes the digest was computed from`, { digest });
  }
  const contentType = String(ctx.req.headers['content-type'] ?? '').split(';')[0].trim();
  const parsed = await validateManifest(ctx, body, contentType);
  await ctx.content.put(body, digest);
  await ctx.links.putRevision(ctx.name, digest, { mediaType: parsed.mediaType, size: body.length });
  if (parsed.subject) {
    await ctx.links.addReferrer(ctx.name, parsed.subject, {
      mediaType: parsed.mediaType,
      digest,
      size: body.length,
      ...(parsed.artifactType ? { artifactType: parsed.artifactType } : {}),
      ...(parsed.annotations ? { annotations: parsed.annotations } : {}),
    });
  }
  if (!byDigest) await ctx.links.setTag(ctx.name, reference, digest);
  const headers: Record<string, string> = { Location: `/v2/${ctx.name}/manifests/${digest}`, 'Docker-Content-Digest': digest };
  if (parsed.subject) headers['OCI-Subject'] = parsed.subject;
  send(ctx.res, 201, headers);
}

/** By digest: the manifest and every tag naming it. By tag: only the tag (spec v1.1). */
export async function deleteManifest(ctx: RouteContext, reference: string): Promise<void> {
  if (!isDigestRef(reference)) {
    assertTag(reference);
    if (!(await ctx.links.deleteTag(ctx.name, reference))) throw manifestUnknown(ctx.name, reference);
    send(ctx.res, 202);
    return;
  }
  const digest = assertDigest(reference);
  if (!(await ctx.links.revision(ctx.name, digest))) throw manifestUnknown(ctx.name, reference);
  const bytes = await ctx.content.get(digest).catch(() => undefined);
  const subject = bytes ? subjectOf(bytes) : undefined;
  await ctx.links.deleteRevision(ctx.name, digest);
  if (subject) await ctx.links.removeReferrer(ctx.name, subject, digest);
  send(ctx.res, 202);
}

function subjectOf(bytes: Buffer): string | undefined {
  try {
    const d = (JSON.parse(bytes.toString('utf8')) as { subject?: { digest?: unknown } }).subject?.digest;
    return typeof d === 'string' ? d : undefined;
  } catch {
    return undefined;
  }
}
