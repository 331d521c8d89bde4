// `lab system df [-v]`: what images and the build cache take on disk, counted like docker:
// a layer shared by several images counts once in the total; per image, SHARED SIZE is the
// part it shares with other images and UNIQUE SIZE the rest. We have no containers or volumes,
// so those rows are always 0 (docker prints them too).
import type { Descriptor, Digest, Image, ImageStore } from './image.ts';
import { MediaTypes } from './image.ts';
import { humanSize, timeAgo } from './human-units.ts';
import { familiarRepository, parseReference, shortId } from './reference.ts';
import { tabwrite } from './table.ts';

export interface ImageUsage {
  id: Digest;
  names: string[];
  created?: string;
  size: number;
  sharedSize: number;
  uniqueSize: number;
}

export interface CacheUsage {
  id: Digest;
  size: number;
  /** Also a layer of some image (pruning the cache would not free it). */
  shared: boolean;
}

export interface DiskUsageReport {
  layersSize: number;
  images: ImageUsage[];
  imagesReclaimable: number;
  buildCache: CacheUsage[];
  buildCacheSize: number;
  buildCacheReclaimable: number;
}

/** Sizes of images and of the build cache's layers (cacheLayers = BuildCache.roots()). */
export async function diskUsage(images: ImageStore, cacheLayers: Digest[] = []): Promise<DiskUsageReport> {
  const list = await images.list();
  const users = new Map<Digest, number>();
  const sizeOf = new Map<Digest, number>();
  for (const img of list) {
    for (const l of new Set(img.manifest.layers.map((x) => x.digest))) users.set(l, (users.get(l) ?? 0) + 1);
    for (const l of img.manifest.layers) if (!sizeOf.has(l.digest)) sizeOf.set(l.digest, (await images.layerUsage(l)).contentSize);
  }
  const usage: ImageUsage[] = list.map((img: Image) => {
    let shared = 0;
    let size = 0;
    for (const l of uniqueLayers(img)) {
      const s = sizeOf.get(l.digest) ?? 0;
      size += s;
      if ((users.get(l.digest) ?? 0) > 1) shared += s;
    }
    return { id: img.id, names: img.names, created: img.config.created, size, sharedSize: shared, uniqueSize: size - shared };
  });
  const layersSize = [...sizeOf.values()].reduce((a, b) => a + b, 0);
  const cache: CacheUsage[] = [];
  for (const d of new Set(cacheLayers)) {
    const info = await images.content.info(d);
    if (!info) continue;
    const size = sizeOf.get(d) ?? (await images.layerUsage(await sniffLayer(images, d, info.size))).contentSize;
    cache.push({ id: d, size, shared: users.has(d) });
  }
  const buildCacheSize = cache.reduce((a, c) => a + c.size, 0);
  return {
    layersSize,
    images: usage,
    imagesReclaimable: layersSize, // no containers: every image could be removed
    buildCache: cache,
    buildCacheSize,
    buildCacheReclaimable: cache.filter((c) => !c.shared).reduce((a, c) => a + c.size, 0),
  };
}

function uniqueLayers(img: Image): Descriptor[] {
  const seen = new Set<string>();
  return img.manifest.layers.filter((l) => (seen.has(l.digest) ? false : (seen.add(l.digest), true)));
}

async function sniffLayer(images: ImageStore, digest: Digest, size: number): Promise<Descriptor> {
  const s = await images.content.createReadStream(digest, { start: 0, end: 1 });
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  const head = Buffer.concat(chunks);
  const gz = head[0] === 0x1f && head[1] === 0x8b;
  return { mediaType: gz ? MediaTypes.ociLayerGzip : MediaTypes.ociLayer, digest, size };
}

function pct(part: number, total: number): string {
  return total > 0 ? ` (${Math.trunc((part * 100) / total)}%)` : '';
}

export function renderDiskUsage(r: DiskUsageReport, opts: { verbose?: boolean; now?: number } = {}): string {
  if (!opts.verbose) {
    return tabwrite([
      ['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'],
      ['Images', String(r.images.length), '0', humanSize(r.layersSize), `${humanSize(r.imagesReclaimable)}${pct(r.imagesReclaimable, r.layersSize)}`],
      ['Containers', '0', '0', '0B', '0B'],
      ['Local Volumes', '0', '0', '0B', '0B'],
      ['Build Cache', String(r.buildCache.length), '0', humanSize(r.buildCacheSize), humanSize(r.buildCacheReclaimable)],
    ]);
  }
  const rows = [['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE', 'SHARED SIZE', 'UNIQUE SIZE', 'CONTAINERS']];
  for (const img of r.images) {
    const names = img.names.length ? img.names : [''];
    for (const n of names) {
      const ref = n ? parseReference(n) : undefined;
      rows.push([
        ref ? familiarRepository(ref) : '<none>', ref?.tag ?? '<none>', shortId(img.id), timeAgo(img.created, opts.now),
        humanSize(img.size), humanSize(img.sharedSize), humanSize(img.uniqueSize), '0',
      ]);
    }
  }
  const cacheRows = [['CACHE ID', 'CACHE TYPE', 'SIZE', 'SHARED']];
  for (const c of r.buildCache) cacheRows.push([shortId(c.id), 'regular', humanSize(c.size), String(c.shared)]);
  return [
    'Images space usage:\n\n' + tabwrite(rows),
    'Containers space usage:\n\n' + tabwrite([['CONTAINER ID', 'IMAGE', 'COMMAND', 'LOCAL VOLUMES', 'SIZE', 'CREATED', 'STATUS', 'NAMES']]),
    'Local Volumes space usage:\n\n' + tabwrite([['VOLUME NAME', 'LINKS', 'SIZE']]),
    `Build cache usage: ${humanSize(r.buildCacheSize)}\n\n` + tabwrite(cacheRows),
  ].join('\n');
}
