// `lab save`: a docker-archive as docker 25+ writes it — an OCI image layout (blobs/sha256,
// index.json, oci-layout) plus docker's manifest.json and repositories — so `docker load`,
// `podman load`, `skopeo ... docker-archive:` and `oci-archive:` all read it. Layers go in
// uncompressed (their digest is their diffID, checked while streaming).
// Also the docker-archive half of `lab load` (manifest.json + config + layer tars).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { EngineError } from '../errors.ts';
import { Annotations, MediaTypes } from './image.ts';
import type { Descriptor, Digest, Image, ImageConfig, ImageStore, LayerRef } from './image.ts';
import { orderedDescriptor } from './manifest-builder.ts';
import { familiarRepository, familiarString, formatReference, parseReference } from './reference.ts';
import { archivePath } from './archive-extract.ts';

export interface DockerManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

const hex = (d: Digest) => d.slice('sha256:'.length);
const EPOCH = new Date(0);

/** Which images to save and under which names (a name selects that tag; an ID saves untagged). */
async function selectImages(images: ImageStore, refs: string[]): Promise<Array<{ img: Image; names: string[] }>> {
  const byId = new Map<Digest, { img: Image; names: string[] }>();
  for (const r of refs) {
    const img = await images.get(r);
    const slot = byId.get(img.id) ?? { img, names: [] };
    byId.set(img.id, slot);
    let name: string | undefined;
    try {
      const ref = parseReference(r);
      if (!ref.digest) name = formatReference(ref);
    } catch {
      /* an ID */
    }
    if (name && img.names.includes(name) && !slot.names.includes(name)) slot.names.push(name);
  }
  return [...byId.values()];
}

function addBuffer(pack: tar.Pack, name: string, data: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, mode: 0o644, mtime: EPOCH, uid: 0, gid: 0 }, data, (err) => (err ? reject(err) : resolve()));
  });
}

/** Streams one layer uncompressed into the archive, checking the bytes hash to the diffID. */
async function addLayer(pack: tar.Pack, images: ImageStore, layer: Descriptor, diffId: Digest): Promise<number> {
  const size = await images.layerSize(layer);
  const src = await images.content.createReadStream(layer.digest);
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      const got = `sha256:${hash.digest('hex')}`;
      cb(got === diffId ? null : new EngineError('DIGEST_MISMATCH', `layer ${layer.digest} unpacks to ${got}, but the image config says ${diffId}; run "lab system check"`));
    },
  });
  const entry = pack.entry({ name: `blobs/sha256/${hex(diffId)}`, size, mode: 0o644, mtime: EPOCH, uid: 0, gid: 0 });
  const stages = /gzip$/.test(layer.mediaType) ? [src, createGunzip(), check, entry] : [src, check, entry];
  await pipeline(stages as unknown as [NodeJS.ReadableStream, ...NodeJS.WritableStream[]]);
  return size;
}

/** Writes the archive for `refs` to `out` (a file stream or an HTTP response). */
export async function saveImages(images: ImageStore, refs: string[], out: Writable): Promise<void> {
  if (!refs.length) throw new EngineError('INVALID_INPUT', 'lab save needs at least one image name or ID');
  const selected = await selectImages(images, refs);
  const pack = tar.pack();
  const done = pipeline(pack, out);
  try {
    const written = new Set<Digest>();
    const manifestJson: DockerManifestEntry[] = [];
    const repositories: Record<string, Record<string, string>> = {};
    const index: Descriptor[] = [];
    for (const d of ['blobs/', 'blobs/sha256/']) pack.entry({ name: d, type: 'directory', mode: 0o755, mtime: EPOCH, uid: 0, gid: 0 });
    for (const { img, names } of selected) {
      const diffIds = img.config.rootfs.diff_ids;
      const layers: Descriptor[] = [];
      for (const [i, l] of img.manifest.layers.entries()) {
        const diffId = diffIds[i];
        let size: number;
        if (!written.has(diffId)) {
          size = await addLayer(pack, images, l, diffId);
          written.add(diffId);
        } else size = await images.layerSize(l);
        layers.push({ mediaType: MediaTypes.ociLayer, digest: diffId, size });
      }
      const configBytes = await images.content.get(img.id);
      if (!written.has(img.id)) {
        await addBuffer(pack, `blobs/sha256/${hex(img.id)}`, configBytes);
        written.add(img.id);
      }
      const manifest = {
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        config: { mediaType: MediaTypes.ociConfig, digest: img.id, size: configBytes.length },
        layers: layers.map(orderedDescriptor),
      };
      const mBytes = Buffer.from(JSON.stringify(manifest));
      const mDigest = `sha256:${createHash('sha256').update(mBytes).digest('hex')}`;
      if (!written.has(mDigest)) {
        await addBuffer(pack, `blobs/sha256/${hex(mDigest)}`, mBytes);
        written.add(mDigest);
      }
      const desc = { mediaType: MediaTypes.ociManifest, digest: mDigest, size: mBytes.length };
      if (!names.length) index.push(desc);
      for (const n of names) {
        const ref = parseReference(n);
        index.push({ ...desc, annotations: { [Annotations.imageName]: n, [Annotations.refName]: ref.tag ?? 'latest' } });
        if (diffIds.length) (repositories[familiarRepository(ref)] ??= {})[ref.tag ?? 'latest'] = hex(diffIds[diffIds.length - 1]);
      }
      manifestJson.push({
        Config: `blobs/sha256/${hex(img.id)}`,
        RepoTags: names.length ? names.map((n) => familiarString(n)) : null,
        Layers: layers.map((l) => `blobs/sha256/${hex(l.digest)}`),
      });
    }
    await addBuffer(pack, 'index.json', JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: index }));
    await addBuffer(pack, 'manifest.json', JSON.stringify(manifestJson));
    await addBuffer(pack, 'oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    if (Object.keys(repositories).length) await addBuffer(pack, 'repositories', JSON.stringify(repositories));
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await done.catch(() => undefined);
    throw err;
  }
  await done;
}

/** Reads a layer file of an extracted archive into the store as a gzip blob; returns its LayerRef. */
export async function ingestLayerFile(images: ImageStore, file: string): Promise<LayerRef> {
  const fh = await fs.open(file, 'r');
  const magic = Buffer.alloc(2);
  await fh.read(magic, 0, 2, 0);
  await fh.close();
  const gzipped = magic[0] === 0x1f && magic[1] === 0x8b;
  const writer = await images.content.writer();
  const diff = createHash('sha256');
  let uncompressed = 0;
  const count = new Transform({
    transform(chunk: Buffer, _e, cb) {
      diff.update(chunk);
      uncompressed += chunk.length;
      cb(null, chunk);
    },
  });
  const sink = new Transform({
    transform(chunk: Buffer, _e, cb) {
      writer.write(chunk).then(() => cb(), cb);
    },
  });
  try {
    if (gzipped) {
      // keep the blob as it is; unzip a copy of the stream to learn the diffID
      const raw = createReadStream(file);
      const tee = new Transform({
        transform(chunk: Buffer, _e, cb) {
          writer.write(chunk).then(() => cb(null, chunk), cb);
        },
      });
      await pipeline(raw, tee, createGunzip(), count, async (src: AsyncIterable<Buffer>) => {
        for await (const _ of src) void _; // drain: only the digest and the byte count matter
      });
    } else {
      await pipeline(createReadStream(file), count, createGzip({ level: 6 }), sink);
    }
    const info = await writer.commit();
    return {
      descriptor: { mediaType: MediaTypes.ociLayerGzip, digest: info.digest, size: info.size },
      diffId: `sha256:${diff.digest('hex')}`,
      uncompressedSize: uncompressed,
    };
  } finally {
    await writer.abort();
  }
}

/** Loads the images described by an extracted docker archive's manifest.json. */
export async function loadDockerArchive(images: ImageStore, dir: string): Promise<Array<{ image: Image; names: string[] }>> {
  let entries: DockerManifestEntry[];
  try {
    entries = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8'));
  } catch (err) {
    throw new EngineError('INVALID_INPUT', `manifest.json of the archive is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(entries)) throw new EngineError('INVALID_INPUT', 'manifest.json of the archive must be a JSON array');
  const out: Array<{ image: Image; names: string[] }> = [];
  for (const e of entries) {
    const read = (p: string) => fs.readFile(path.join(dir, archivePath(p))).catch(() => {
      throw new EngineError('INVALID_INPUT', `the archive's manifest.json names "${p}", which is not in the archive`);
    });
    const configBytes = await read(e.Config);
    const tags = (e.RepoTags ?? []).map((t) => formatReference(parseReference(t)));
    const existing = await images.find(`sha256:${createHash('sha256').update(configBytes).digest('hex')}`);
    if (existing) {
      // the same image ID is already here: only add the names (docker does the same)
      out.push({ image: await images.putManifest(existing.target.digest, tags), names: tags });
      continue;
    }
    const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== e.Layers.length) {
      throw new EngineError('INVALID_INPUT', `image ${e.Config}: the config lists ${diffIds.length} layers, manifest.json ${e.Layers.length}`);
    }
    const layers: LayerRef[] = [];
    for (const [i, p] of e.Layers.entries()) {
      const file = path.join(dir, archivePath(p));
      await fs.access(file).catch(() => {
        throw new EngineError('INVALID_INPUT', `the archive's manifest.json names layer "${p}", which is not in the archive`);
      });
      const layer = await ingestLayerFile(images, file);
      if (layer.diffId !== diffIds[i]) {
        throw new EngineError('DIGEST_MISMATCH', `layer ${p} hashes to ${layer.diffId}, but the image config expects ${diffIds[i]}; the archive is corrupt`);
      }
      layers.push(layer);
    }
    out.push({ image: await images.putImage({ config, configBytes, layers, tags }), names: tags });
  }
  return out;
}
