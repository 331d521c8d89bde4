// The OCI half of `lab load`: an OCI image layout in a tar (buildah/podman/skopeo oci-archive:,
// and docker 25+'s `docker save`). Blobs go into the content store verified against their
// names; index.json entries become images, named by their annotations (or manifest.json's
// RepoTags when the archive also has one).
import fs from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { ingestStream } from '../content-store/stream-ingest.ts';
import { EngineError } from '../errors.ts';
import { Annotations } from './image.ts';
import type { Descriptor, Image, ImageStore, Index } from './image.ts';
import type { DockerManifestEntry } from './docker-archive.ts';
import { isIndexType, parseManifestOrIndex } from './manifest-builder.ts';
import { formatReference, parseReference } from './reference.ts';

/** Name of an index.json entry: full containerd name, else ref.name when it is a full reference. */
function entryName(d: Descriptor): string | undefined {
  const full = d.annotations?.[Annotations.imageName];
  const ref = d.annotations?.[Annotations.refName];
  for (const candidate of [full, ref]) {
    if (!candidate) continue;
    // a bare tag ("latest") is not a name on its own
    if (candidate === ref && !/[/:]/.test(candidate)) continue;
    try {
      return formatReference(parseReference(candidate));
    } catch {
      /* not a reference */
    }
  }
  return undefined;
}

export async function loadOciArchive(images: ImageStore, dir: string): Promise<Array<{ image: Image; names: string[] }>> {
  let index: Index;
  try {
    index = JSON.parse(await fs.readFile(path.join(dir, 'index.json'), 'utf8'));
  } catch (err) {
    throw new EngineError('INVALID_INPUT', `index.json of the OCI archive is not valid JSON: ${(err as Error).message}`);
  }
  const blobDir = path.join(dir, 'blobs', 'sha256');
  for (const name of await fs.readdir(blobDir).catch(() => [] as string[])) {
    if (!/^[a-f0-9]{64}$/.test(name)) continue;
    const digest = `sha256:${name}`;
    if (await images.content.has(digest)) continue;
    await ingestStream(images.content, createReadStream(path.join(blobDir, name)), { digest }).catch((err) => {
      throw new EngineError('DIGEST_MISMATCH', `blob ${digest} in the archive does not match its name: ${(err as Error).message}`, { cause: err });
    });
  }
  let repoTags = new Map<string, string[]>();
  try {
    const entries = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as DockerManifestEntry[];
    repoTags = new Map(entries.map((e) => [path.posix.basename(e.Config), (e.RepoTags ?? []).map((t) => formatReference(parseReference(t)))]));
  } catch {
    /* plain OCI archive */
  }
  const byTarget = new Map<string, string[]>();
  for (const d of index.manifests ?? []) {
    const names = byTarget.get(d.digest) ?? [];
    const n = entryName(d);
    if (n && !names.includes(n)) names.push(n);
    byTarget.set(d.digest, names);
  }
  const out: Array<{ image: Image; names: string[] }> = [];
  for (const [digest, names] of byTarget) {
    await checkComplete(images, digest);
    if (!names.length) {
      const parsed = parseManifestOrIndex(await images.content.get(digest));
      if (parsed.kind === 'manifest') names.push(...(repoTags.get(parsed.manifest.config.digest.slice(7)) ?? []));
    }
    // the same image (same config = same ID) already here: only add the names, like docker
    const parsed = parseManifestOrIndex(await images.content.get(digest));
    const existing = parsed.kind === 'manifest' ? await images.find(parsed.manifest.config.digest) : undefined;
    out.push({ image: await images.putManifest(existing ? existing.target.digest : digest, names), names });
  }
  if (!out.length) throw new EngineError('INVALID_INPUT', 'the OCI archive names no image in its index.json');
  return out;
}

/** Every blob the manifest (or index) references must be in the store now. */
async function checkComplete(images: ImageStore, digest: string): Promise<void> {
  if (!(await images.content.has(digest))) throw new EngineError('INVALID_INPUT', `the archive's index.json names ${digest}, which is not in the archive`);
  const parsed = parseManifestOrIndex(await images.content.get(digest));
  const children = parsed.kind === 'index' ? parsed.index.manifests : [parsed.manifest.config, ...parsed.manifest.layers];
  for (const c of children) {
    if (parsed.kind === 'index' && isIndexType(c.mediaType)) continue;
    if (parsed.kind === 'index') {
      if (await images.content.has(c.digest)) await checkComplete(images, c.digest);
      continue; // other platforms may be left out of an archive
    }
    if (!(await images.content.has(c.digest))) {
      throw new EngineError('INVALID_INPUT', `image ${digest} references blob ${c.digest}, which is not in the archive`);
    }
  }
}
