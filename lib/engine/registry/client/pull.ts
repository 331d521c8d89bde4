// `lab pull`: tag -> manifest (an index picks linux/<host arch>) -> config -> missing layers,
// verifying every digest, into the shared content store; then names the image in the image store.
import { EngineError } from '../../errors.ts';
import { ingestStream } from '../../content-store/stream-ingest.ts';
import { sha256 } from '../../content-store/digest.ts';
import type { Descriptor, Image, ImageStore } from '../../image/image.ts';
import { MediaTypes } from '../../image/image.ts';
import { parseManifestOrIndex } from '../../image/manifest-builder.ts';
import { nodeArchToOci } from '../../image/config-builder.ts';
import { registryFailure, type RegistryClient } from './registry-client.ts';
import { readBounded } from '../../egress/egress.ts';
import { MAX_BLOB_BYTES, MAX_MANIFEST_BYTES, formatBytes, limitError } from '../../limits.ts';

export const MANIFEST_ACCEPT = [MediaTypes.ociManifest, MediaTypes.ociIndex, MediaTypes.dockerManifest, MediaTypes.dockerManifestList].join(', ');

export interface PullOptions {
  client: RegistryClient;
  images: ImageStore;
  repository: string;
  /** Tag or sha256 digest. */
  reference: string;
  /** Names to give the pulled image in the local store (the full reference). */
  tags: string[];
  platform?: { os: string; architecture: string };
  onLine?: (line: string) => void;
  /** Parallel layer downloads (docker: 3). */
  concurrency?: number;
}

export interface PullResult {
  /** Digest of what the reference named (index or manifest): docker's "Digest:". */
  digest: string;
  image: Image;
  layers: { digest: string; size: number; status: 'exists' | 'downloaded' }[];
  bytesDownloaded: number;
}

const short = (d: string) => d.slice(7, 19);

async function fetchManifest(o: PullOptions, reference: string): Promise<{ bytes: Buffer; digest: string; mediaType: string }> {
  const res = await o.client.request('GET', `/v2/${o.repository}/manifests/${reference}`, {
    scopes: [`repository:${o.repository}:pull`],
    headers: { Accept: MANIFEST_ACCEPT },
  });
  if (res.status !== 200) throw await registryFailure(res, `manifest for ${o.repository}:${reference}`);
  const bytes = await readBounded(res, MAX_MANIFEST_BYTES, () =>
    limitError(`the manifest for ${o.repository}:${reference} from ${o.client.opts.host} is too large`, formatBytes(MAX_MANIFEST_BYTES), 'LAB_MAX_MANIFEST_BYTES', 'nothing was stored'));
  const digest = sha256(bytes);
  const claimed = res.headers.get('docker-content-digest');
  if (reference.startsWith('sha256:') && digest !== reference) {
    throw new EngineError('DIGEST_MISMATCH', `registry sent a manifest hashing to ${digest} for ${reference}: refusing it`);
  }
  if (claimed && claimed.startsWith('sha256:') && claimed !== digest) {
    throw new EngineError('DIGEST_MISMATCH', `registry says the manifest is ${claimed} but its bytes hash to ${digest}: refusing it`);
  }
  const doc = parseManifestOrIndex(bytes);
  const mediaType = (doc.kind === 'index' ? doc.index.mediaType : doc.manifest.mediaType) ?? res.headers.get('content-type') ?? MediaTypes.ociManifest;
  return { bytes, digest, mediaType };
}

async function fetchBlob(o: PullOptions, desc: Descriptor, onProgress: (n: number) => void): Promise<number> {
  // the manifest (the registry's word) names the size; the stream is cut there (ingestStream)
  if (!(desc.size >= 0) || desc.size > MAX_BLOB_BYTES) {
    throw limitError(`blob ${desc.digest} from ${o.client.opts.host}/${o.repository} is ${formatBytes(desc.size)}`, formatBytes(MAX_BLOB_BYTES), 'LAB_MAX_BLOB_BYTES', 'nothing was stored');
  }
  const res = await o.client.request('GET', `/v2/${o.repository}/blobs/${desc.digest}`, { scopes: [`repository:${o.repository}:pull`] });
  if (res.status !== 200 || !res.body) throw await registryFailure(res, `blob ${desc.digest}`);
  let n = 0;
  const body = res.body;
  // fetch yields small chunks; hand the store ~1 MiB writes
  async function* counted() {
    let pending: Buffer[] = [];
    let pendingSize = 0;
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      n += chunk.length;
      onProgress(n);
      pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      pendingSize += chunk.length;
      if (pendingSize >= 1 << 20) {
        yield Buffer.concat(pending);
        pending = [];
        pendingSize = 0;
      }
    }
    if (pendingSize) yield Buffer.concat(pending);
  }
  try {
    await ingestStream(o.images.content, counted(), { digest: desc.digest, size: desc.size });
  } catch (err) {
    if ((err as EngineError).code === 'DIGEST_MISMATCH') {
      throw new EngineError('DIGEST_MISMATCH', `blob ${desc.digest} from ${o.client.opts.host}/${o.repository} did not match its digest (or size ${desc.size}): nothing was stored`, { cause: err });
    }
    throw err;
  }
  return n;
}

export async function pullImage(o: PullOptions): Promise<PullResult> {
  const say = o.onLine ?? (() => undefined);
  const content = o.images.content;
  say(`${o.reference}: Pulling from ${o.repository}`);
  const top = await fetchManifest(o, o.reference);
  await content.put(top.bytes, top.digest);
  let parsed = parseManifestOrIndex(top.bytes);
  if (parsed.kind === 'index') {
    const want = o.platform ?? { os: 'linux', architecture: nodeArchToOci(process.arch) };
    const pick = parsed.index.manifests.find((m) => m.platform?.os === want.os && m.platform.architecture === want.architecture);
    if (!pick) {
      const have = parsed.index.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).join(', ');
      throw new EngineError('NOT_FOUND', `no matching manifest for ${want.os}/${want.architecture} in the manifest list entries (it has ${have})`);
    }
    const child = await fetchManifest(o, pick.digest);
    await content.put(child.bytes, child.digest);
    parsed = parseManifestOrIndex(child.bytes);
    if (parsed.kind !== 'manifest') throw new EngineError('INVALID_INPUT', `nested index ${pick.digest} is not supported`);
  }
  const manifest = parsed.manifest;
  let downloaded = 0;
  if (!(await content.has(manifest.config.digest))) downloaded += await fetchBlob(o, manifest.config, () => undefined);
  const layers: PullResult['layers'] = manifest.layers.map((l) => ({ digest: l.digest, size: l.size, status: 'exists' as const }));
  const todo: number[] = [];
  for (let i = 0; i < manifest.layers.length; i++) {
    const l = manifest.layers[i];
    if (await content.has(l.digest)) say(`${short(l.digest)}: Already exists`);
    else {
      say(`${short(l.digest)}: Pulling fs layer`);
      todo.push(i);
    }
  }
  const worker = async () => {
    for (let i = todo.shift(); i !== undefined; i = todo.shift()) {
      const l = manifest.layers[i];
      let lastReport = 0;
      const n = await fetchBlob(o, l, (got) => {
        if (got - lastReport >= Math.max(256 * 1024, l.size / 10) || got === l.size) {
          lastReport = got;
          say(`${short(l.digest)}: Downloading ${human(got)}/${human(l.size)}`);
        }
      });
      downloaded += n;
      layers[i] = { digest: l.digest, size: l.size, status: 'downloaded' };
      say(`${short(l.digest)}: Pull complete`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 3, Math.max(1, todo.length)) }, worker));
  const image = await o.images.putManifest(top.digest, o.tags);
  say(`Digest: ${top.digest}`);
  return { digest: top.digest, image, layers, bytesDownloaded: downloaded };
}

function human(n: number): string {
  if (n < 1000) return `${n}B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)}kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)}MB`;
  return `${(n / 1e9).toFixed(2)}GB`;
}
