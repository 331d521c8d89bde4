// --output type=oci|docker|tar: the built image as an OCI layout tar, a docker-archive, or its
// final filesystem as a plain tar (BuildKit's tar exporter; `-o type=local` is that tar, which the
// CLI extracts). Everything goes into a Writable the caller gave: the engine never opens a
// destination path (see BuildOutput in build.ts).
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Image, ImageStore } from '../image/image.ts';
import { saveImages } from '../image/docker-archive.ts';
import { applyLayer } from '../layer/apply-layer.ts';
import { treeChanges } from '../layer/tree-changes.ts';
import { packChangeSet } from '../layer/layer-writer.ts';
import type { ExportType } from './build.ts';

export async function exportImage(images: ImageStore, image: Image, type: ExportType, out: Writable, o: { tags: string[]; tmpDir: string; sourceDateEpoch?: number }): Promise<void> {
  if (type === 'docker') return saveImages(images, o.tags.length ? o.tags : [image.id], out);
  if (type === 'tar') return exportFilesystem(images, image, out, o);
  return exportOciLayout(images, image, out, o.tags);
}

/** OCI image layout: oci-layout, index.json naming the manifest, and every blob it reaches. */
async function exportOciLayout(images: ImageStore, image: Image, out: Writable, tags: string[]): Promise<void> {
  const pack = tar.pack();
  // Awaited before any error of ours: when the sink fails (the client went away), pack is
  // destroyed and the next entry() would only say "already finalized or destroyed".
  const done = pipeline(pack, out);
  done.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  const add = (name: string, data: Buffer | string) =>
    new Promise<void>((resolve, reject) => pack.entry({ name, mode: 0o644, mtime: new Date(0) }, data, (err) => (err ? reject(err) : resolve())));
  try {
    await add('oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    const ref = tags[0] ? tags[0].slice(tags[0].lastIndexOf(':') + 1) : undefined;
    const index = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ ...image.target, annotations: ref ? { 'org.opencontainers.image.ref.name': ref, 'io.containerd.image.name': tags[0] } : undefined }],
    };
    await add('index.json', JSON.stringify(index));
    const digests = [image.target.digest, image.manifest.config.digest, ...image.manifest.layers.map((l) => l.digest)];
    for (const d of new Set(digests)) await add(`blobs/sha256/${d.slice(7)}`, await images.content.get(d));
    pack.finalize();
  } catch (err) {
    if (!pack.destroyed) pack.destroy(err as Error);
    await done; // rejects with the sink's error when that was the cause
    throw err;
  }
  await done;
}

/** The image's layers applied in order into a private temp dir, then written as one tar. */
async function exportFilesystem(images: ImageStore, image: Image, out: Writable, o: { tmpDir: string; sourceDateEpoch?: number }): Promise<void> {
  await fs.mkdir(o.tmpDir, { recursive: true });
  const dir = await fs.mkdtemp(path.join(o.tmpDir, `export-${process.pid}-${randomBytes(4).toString('hex')}-`));
  try {
    const rootfs = path.join(dir, 'rootfs');
    const empty = path.join(dir, 'empty');
    await fs.mkdir(empty);
    await fs.mkdir(rootfs);
    for (const l of image.manifest.layers) await applyLayer(await images.content.createReadStream(l.digest), rootfs, { mode: 'rootfs' });
    const set = await treeChanges(empty, rootfs, { compareContent: false });
    await packChangeSet(set, out, { sourceDateEpoch: o.sourceDateEpoch });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
