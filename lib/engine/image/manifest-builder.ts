// Serialising configs and manifests. Key order is fixed so that the same image gives the same
// bytes (and so the same digests) every time — the reason two identical builds match.
import { createHash } from 'node:crypto';
import { EngineError } from '../errors.ts';
import type { Descriptor, Digest, ImageConfig, Index, LayerRef, Manifest, MediaTypeFamily } from './image.ts';
import { MediaTypes } from './image.ts';

export function sha256Digest(data: Buffer | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A descriptor with keys in the OCI spec's order. */
export function orderedDescriptor(d: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.annotations && Object.keys(d.annotations).length) out.annotations = sortKeys(d.annotations);
  if (d.platform) out.platform = d.platform;
  return out;
}

function sortKeys<T>(obj: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]]));
}

/** Config JSON with keys in the order docker/BuildKit write them. */
export function serializeConfig(config: ImageConfig): string {
  const c: Record<string, unknown> = {};
  if (config.created !== undefined) c.created = config.created;
  if (config.author !== undefined) c.author = config.author;
  c.architecture = config.architecture;
  if (config.variant) c.variant = config.variant;
  c.os = config.os;
  if (config.config) c.config = config.config;
  c.rootfs = { type: config.rootfs.type, diff_ids: config.rootfs.diff_ids };
  if (config.history) c.history = config.history;
  return JSON.stringify(c);
}

/** The layer media type for a family: gzip docker layers <-> OCI gzip layers. */
export function layerMediaType(mediaType: string, family: MediaTypeFamily): string {
  const gz = /gzip$/.test(mediaType);
  const plain = mediaType === MediaTypes.ociLayer || mediaType === MediaTypes.dockerLayer;
  if (family === 'docker') return gz ? MediaTypes.dockerLayerGzip : plain ? MediaTypes.dockerLayer : mediaType;
  return gz ? MediaTypes.ociLayerGzip : plain ? MediaTypes.ociLayer : mediaType;
}

export function buildManifest(
  configDesc: Descriptor,
  layers: Descriptor[],
  family: MediaTypeFamily = 'oci',
  annotations?: Record<string, string>,
): Manifest {
  const m: Manifest = {
    schemaVersion: 2,
    mediaType: family === 'docker' ? MediaTypes.dockerManifest : MediaTypes.ociManifest,
    config: orderedDescriptor(configDesc),
    layers: layers.map((l) => orderedDescriptor({ ...l, mediaType: layerMediaType(l.mediaType, family) })),
  };
  if (annotations && Object.keys(annotations).length) m.annotations = sortKeys(annotations);
  return m;
}

/** Checks a put request: diff_ids must match the layers one by one. */
export function checkLayers(config: ImageConfig, layers: LayerRef[], opts: { history?: boolean } = {}): void {
  const ids = config.rootfs?.diff_ids ?? [];
  if (ids.length !== layers.length || ids.some((d, i) => d !== layers[i].diffId)) {
    throw new EngineError(
      'INVALID_INPUT',
      `image config lists ${ids.length} diff_ids but ${layers.length} layers were given (or they differ): rootfs.diff_ids must name each layer's uncompressed digest in order`,
    );
  }
  const empty = (config.history ?? []).filter((h) => !h.empty_layer).length;
  if (opts.history !== false && config.history && config.history.length && empty !== layers.length) {
    throw new EngineError('INVALID_INPUT', `image history has ${empty} non-empty entries for ${layers.length} layers`);
  }
}

export function isManifestType(mediaType: string | undefined): boolean {
  return mediaType === MediaTypes.ociManifest || mediaType === MediaTypes.dockerManifest;
}

export function isIndexType(mediaType: string | undefined): boolean {
  return mediaType === MediaTypes.ociIndex || mediaType === MediaTypes.dockerManifestList;
}

/** Parses a manifest or index blob, telling which by mediaType or shape. */
export function parseManifestOrIndex(data: Buffer): { kind: 'manifest'; manifest: Manifest } | { kind: 'index'; index: Index } {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(data.toString('utf8'));
  } catch {
    throw new EngineError('INVALID_INPUT', 'manifest is not valid JSON');
  }
  if (Array.isArray(doc.manifests)) return { kind: 'index', index: doc as unknown as Index };
  if (doc.config && Array.isArray(doc.layers)) return { kind: 'manifest', manifest: doc as unknown as Manifest };
  throw new EngineError('INVALID_INPUT', 'blob is neither an image manifest nor an index');
}
