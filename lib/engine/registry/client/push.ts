// `lab push`: for each layer HEAD the blob (already there?), else mount it from another
// repository of the same registry, else upload it (POST + PUT ?digest=); then the config, then
// the manifest by tag. The manifest is pushed as its exact stored bytes, so digests match.
import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { EngineError } from '../../errors.ts';
import type { Descriptor, ImageStore } from '../../image/image.ts';
import { parseManifestOrIndex } from '../../image/manifest-builder.ts';
import { registryFailure, type RegistryClient } from './registry-client.ts';

export interface PushOptions {
  client: RegistryClient;
  images: ImageStore;
  /** Local image (reference or ID) to push. */
  source: string;
  /** Repository path on the registry ("alice/app") and tag. */
  repository: string;
  tag: string;
  /** Other repositories on the same registry that may hold a blob (cross-repo mount), by digest. */
  mountFrom?: Map<string, string[]>;
  onLine?: (line: string) => void;
}

export interface PushResult {
  digest: string;
  size: number;
  /** Per blob: what happened. */
  blobs: { digest: string; size: number; status: 'exists' | 'mounted' | 'pushed' }[];
  bytesUploaded: number;
}

const short = (d: string) => d.slice(7, 19);

export async function pushImage(o: PushOptions): Promise<PushResult> {
  const say = o.onLine ?? (() => undefined);
  const img = await o.images.get(o.source);
  const content = o.images.content;
  let manifestBytes = await content.get(img.target.digest);
  let mediaType = img.target.mediaType;
  if (parseManifestOrIndex(manifestBytes).kind === 'index') {
    // A pulled multi-platform image: push the platform manifest we have locally.
    manifestBytes = Buffer.from(JSON.stringify(img.manifest));
    mediaType = img.manifest.mediaType ?? 'application/vnd.oci.image.manifest.v1+json';
    const found = await findStoredManifest(o.images, img.manifest.config.digest, img.target.digest);
    if (found) manifestBytes = found;
  }
  const start = o.client.bytesUploaded;
  const scope = `repository:${o.repository}:pull,push`;
  say(`The push refers to repository [${o.client.opts.host}/${o.repository}]`);
  const blobs: PushResult['blobs'] = [];
  for (const layer of [...img.manifest.layers].reverse()) say(`${short(layer.digest)}: Preparing`);
  for (const desc of [...img.manifest.layers, img.manifest.config]) {
    const sources = (o.mountFrom?.get(desc.digest) ?? []).filter((r) => r !== o.repository);
    const { status, from } = await pushBlob(o, desc, sources, [scope, ...sources.map((r) => `repository:${r}:pull`)]);
    blobs.push({ digest: desc.digest, size: desc.size, status });
    if (desc !== img.manifest.config) {
      say(`${short(desc.digest)}: ${status === 'exists' ? 'Layer already exists' : status === 'mounted' ? `Mounted from ${from}` : 'Pushed'}`);
    }
  }
  const res = await o.client.request('PUT', `/v2/${o.repository}/manifests/${o.tag}`, {
    scopes: [scope],
    headers: { 'Content-Type': mediaType },
    body: manifestBytes,
  });
  if (res.status !== 201) throw await registryFailure(res, `pushing manifest ${o.repository}:${o.tag}`);
  await res.body?.cancel();
  const digest = sha(manifestBytes);
  const sent = res.headers.get('docker-content-digest');
  if (sent && sent !== digest) throw new EngineError('DIGEST_MISMATCH', `registry stored the manifest as ${sent} but its bytes hash to ${digest}`);
  say(`${o.tag}: digest: ${digest} size: ${manifestBytes.length}`);
  return { digest, size: manifestBytes.length, blobs, bytesUploaded: o.client.bytesUploaded - start };
}

async function pushBlob(o: PushOptions, desc: Descriptor, sources: string[], scopes: string[]): Promise<{ status: 'exists' | 'mounted' | 'pushed'; from?: string }> {
  const head = await o.client.request('HEAD', `/v2/${o.repository}/blobs/${desc.digest}`, { scopes });
  if (head.status === 200) return { status: 'exists' };
  if (head.status !== 404) throw await registryFailure(head, `checking blob ${desc.digest}`);
  for (const from of sources) {
    const m = await o.client.request('POST', `/v2/${o.repository}/blobs/uploads/?mount=${desc.digest}&from=${encodeURIComponent(from)}`, { scopes });
    if (m.status === 201) return { status: 'mounted', from };
    if (m.status === 202) {
      await cancelSession(o.client, m, scopes);
      continue;
    }
    throw await registryFailure(m, `mounting blob ${desc.digest} from ${from}`);
  }
  const post = await o.client.request('POST', `/v2/${o.repository}/blobs/uploads/`, { scopes });
  if (post.status !== 202) throw await registryFailure(post, `starting the upload of ${desc.digest}`);
  const location = post.headers.get('location');
  if (!location) throw new EngineError('REGISTRY_ERROR', 'registry started an upload without a Location header');
  const put = o.client.url(location);
  put.searchParams.set('digest', desc.digest);
  const content = o.images.content;
  const done = await o.client.request('PUT', put, {
    scopes,
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(desc.size) },
    body: desc.size <= 1 << 20 ? await content.get(desc.digest) : () => streamOf(content.createReadStream(desc.digest)),
  });
  if (done.status !== 201) throw await registryFailure(done, `uploading blob ${desc.digest}`);
  await done.body?.cancel();
  return { status: 'pushed' };
}

async function cancelSession(client: RegistryClient, res: Response, scopes: string[]): Promise<void> {
  const loc = res.headers.get('location');
  await res.body?.cancel();
  if (loc) await client.request('DELETE', client.url(loc), { scopes }).then((r) => r.body?.cancel()).catch(() => undefined);
}

/** A Readable that opens lazily (the content store's stream is async to open). */
function streamOf(p: Promise<Readable>): Readable {
  const out = new PassThrough();
  p.then((s) => {
    s.on('error', (e) => out.destroy(e));
    s.pipe(out);
  }, (e) => out.destroy(e));
  return out;
}

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** The stored platform manifest of a pulled index whose config is `configDigest`. */
async function findStoredManifest(images: ImageStore, configDigest: string, indexDigest: string): Promise<Buffer | undefined> {
  const idx = parseManifestOrIndex(await images.content.get(indexDigest));
  if (idx.kind !== 'index') return undefined;
  for (const m of idx.index.manifests) {
    const bytes = await images.content.get(m.digest).catch(() => undefined);
    if (!bytes) continue;
    const p = parseManifestOrIndex(bytes);
    if (p.kind === 'manifest' && p.manifest.config.digest === configDigest) return bytes;
  }
  return undefined;
}
