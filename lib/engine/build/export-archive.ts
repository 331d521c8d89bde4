// --output type=docker|oci,dest=FILE: the built image as a docker-archive or an OCI layout tar.
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Image, ImageStore } from '../image/image.ts';
import { saveImages } from '../image/docker-archive.ts';

export async function exportArchive(images: ImageStore, image: Image, type: 'oci' | 'docker', dest: string, tags: string[]): Promise<void> {
  if (type === 'docker') {
    await saveImages(images, tags.length ? tags : [image.id], fs.createWriteStream(dest));
    return;
  }
  // OCI image layout: oci-layout, index.json naming the manifest, and every blob it reaches.
  const pack = tar.pack();
  const out = pipeline(pack, fs.createWriteStream(dest));
  const add = (name: string, data: Buffer | string) =>
    new Promise<void>((resolve, reject) => pack.entry({ name, mode: 0o644, mtime: new Date(0) }, data, (err) => (err ? reject(err) : resolve())));
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
  await out;
}
