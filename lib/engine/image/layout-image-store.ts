// The image store: names (tags) in the OCI layout's index.json on top of the content store.
// See image.ts for the terms and lifecycle. A namespace's store (lib/engine/daemon/namespaces.ts)
// keeps its names in its own index and reads a `base` store's images read-only after its own.
import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.ts';
import type { ContentStore } from '../content-store/content-store.ts';
import { Annotations, MediaTypes } from './image.ts';
import type { Descriptor, Digest, Image, ImageConfig, ImageStore, Index, LayerUsage, Manifest, PutImageInput, RemoveEvent } from './image.ts';
import { measureLayer } from './layer-usage.ts';
import { buildManifest, checkLayers, isIndexType, parseManifestOrIndex, serializeConfig } from './manifest-builder.ts';
import { familiarString, formatReference, looksLikeId, parseReference, shortId } from './reference.ts';
import { nodeArchToOci } from './config-builder.ts';

/** What the image store needs from the content store: blobs plus index.json access. */
export interface IndexedContentStore extends ContentStore {
  readIndex(): Promise<Index>;
  updateIndex(change: (index: Index) => Index | void): Promise<Index>;
}

type Entry = Descriptor & { annotations?: Record<string, string> };

export interface ImageStoreOptions {
  /** Where the layer size cache (layer-usage.json) lives. */
  metaDir?: string;
  /**
   * Base images shared read-only with this store (a namespace's view over the default one): found
   * and listed after this store's own names, never untagged, removed or named over from here.
   */
  base?: LayoutImageStore;
}

export function createImageStore(content: IndexedContentStore, opts: ImageStoreOptions = {}): LayoutImageStore {
  return new LayoutImageStore(content, opts.metaDir, opts.base);
}

export class LayoutImageStore implements ImageStore {
  private sizes = new Map<Digest, LayerUsage>();
  /** Tar sizes producers told us (putImage's uncompressedSize): enough for save, no re-read. */
  private tarHints = new Map<Digest, number>();
  private sizesLoaded = false;

  constructor(readonly content: IndexedContentStore, private readonly metaDir?: string, readonly base?: LayoutImageStore) {
    if (base) {
      // layers are shared, so are their measured sizes
      this.sizes = base.sizes;
      this.tarHints = base.tarHints;
    }
  }

  async putImage(input: PutImageInput): Promise<Image> {
    checkLayers(input.config, input.layers, { history: !input.configBytes });
    const family = input.mediaTypes ?? 'oci';
    const configBytes = input.configBytes ?? serializeConfig(input.config);
    const cfg = await this.content.put(configBytes);
    const configDesc: Descriptor = {
      mediaType: family === 'docker' ? MediaTypes.dockerConfig : MediaTypes.ociConfig,
      digest: cfg.digest,
      size: cfg.size,
    };
    for (const l of input.layers) {
      if (!(await this.content.has(l.descriptor.digest))) {
        throw new EngineError('NOT_FOUND', `layer blob ${l.descriptor.digest} is not in the content store; write the layer before the image`);
      }
      if (l.uncompressedSize !== undefined) this.tarHints.set(l.descriptor.digest, l.uncompressedSize);
    }
    const manifest = buildManifest(configDesc, input.layers.map((l) => l.descriptor), family, input.annotations);
    const bytes = JSON.stringify(manifest);
    const m = await this.content.put(bytes);
    const target: Descriptor = { mediaType: manifest.mediaType!, digest: m.digest, size: m.size };
    await this.name(target, input.tags ?? []);
    // no re-read of fresh layers here: size is measured lazily (list/inspect/history)
    const entries = (await this.content.readIndex()).manifests as Entry[];
    return this.load(target, entries, { measure: false });
  }

  async putManifest(manifestDigest: Digest, tags: string[]): Promise<Image> {
    const data = await this.content.get(manifestDigest);
    const parsed = parseManifestOrIndex(data);
    const mediaType = parsed.kind === 'index'
      ? parsed.index.mediaType ?? MediaTypes.ociIndex
      : parsed.manifest.mediaType ?? MediaTypes.ociManifest;
    await this.name({ mediaType, digest: manifestDigest, size: data.length }, tags);
    return this.get(manifestDigest);
  }

  /** Points each tag at target; images losing their last name stay as dangling entries. */
  private async name(target: Descriptor, tags: string[]): Promise<void> {
    const names = tags.map((t) => formatReference(withoutDigest(parseReference(t))));
    await this.refuseBaseNames(names);
    const now = new Date().toISOString();
    await this.content.updateIndex((index) => {
      let manifests = (index.manifests as Entry[]).filter((e) => !names.includes(nameOf(e) ?? ''));
      const removed = (index.manifests as Entry[]).filter((e) => names.includes(nameOf(e) ?? ''));
      for (const old of removed) {
        if (old.digest !== target.digest && !manifests.some((e) => e.digest === old.digest)) {
          manifests.push(danglingEntry(old, now));
        }
      }
      if (names.length) manifests = manifests.filter((e) => !(e.digest === target.digest && !nameOf(e)));
      for (const n of names) manifests.push(namedEntry(target, n, now));
      if (!names.length && !manifests.some((e) => e.digest === target.digest)) manifests.push(danglingEntry(target, now));
      return { ...index, manifests };
    });
  }

  async get(refOrId: string): Promise<Image> {
    const img = await this.find(refOrId);
    if (!img) throw new EngineError('NOT_FOUND', `No such image: ${refOrId}`);
    return img;
  }

  async find(refOrId: string): Promise<Image | undefined> {
    if (!this.base) return this.findOwn(refOrId, true);
    // own names first, then the base images; never another namespace's manifest by digest
    return (await this.findOwn(refOrId, false)) ?? (await this.base.findOwn(refOrId, false));
  }

  /** True when refOrId names an image of the base store that this store does not name itself. */
  async isBaseImage(refOrId: string): Promise<boolean> {
    if (!this.base) return false;
    if (await this.findOwn(refOrId, false)) return false;
    return !!(await this.base.findOwn(refOrId, false));
  }

  private async refuseBaseNames(names: string[]): Promise<void> {
    if (!this.base || !names.length) return;
    const baseNames = new Set(((await this.base.content.readIndex()).manifests as Entry[]).map(nameOf));
    const name = names.find((n) => baseNames.has(n));
    if (name !== undefined) {
      throw new EngineError('FAILED_PRECONDITION', `${familiarString(name)} is a base image shared by every student: it cannot be replaced; choose another name (e.g. my${familiarString(name).replace(/^.*\//, '')})`);
    }
  }

  private async findOwn(refOrId: string, rawBlobs: boolean): Promise<Image | undefined> {
    const entries = (await this.content.readIndex()).manifests as Entry[];
    const input = refOrId.trim();
    // 1. full digest: image ID (config) or manifest digest
    const full = /^(sha256:)?([a-f0-9]{64})$/.exec(input);
    if (full) {
      const digest = `sha256:${full[2]}`;
      for (const e of uniqueTargets(entries)) {
        if (e.digest === digest) return this.load(e, entries);
        const img = await this.load(e, entries).catch(() => undefined);
        if (img?.id === digest) return img;
      }
      if (rawBlobs && (await this.content.has(digest))) {
        return this.load({ mediaType: '', digest, size: 0 }, entries).catch(() => undefined);
      }
      return undefined;
    }
    // 2. a reference
    let ref;
    try {
      ref = parseReference(input);
    } catch {
      ref = undefined;
    }
    if (ref) {
      if (ref.digest) {
        const e = entries.find((x) => x.digest === ref.digest);
        if (e) return this.load(e, entries);
        if (rawBlobs && (await this.content.has(ref.digest))) return this.load({ mediaType: '', digest: ref.digest, size: 0 }, entries);
        return undefined;
      }
      const name = formatReference(ref);
      const e = entries.find((x) => nameOf(x) === name);
      if (e) return this.load(e, entries);
    }
    // 3. a short ID prefix of the image ID
    if (looksLikeId(input)) {
      const prefix = input.replace(/^sha256:/, '');
      const found = new Map<Digest, Image>();
      for (const e of uniqueTargets(entries)) {
        const img = await this.load(e, entries).catch(() => undefined);
        if (img && img.id.slice(7).startsWith(prefix)) found.set(img.id, img);
      }
      if (found.size > 1) throw new EngineError('INVALID_INPUT', `short ID ${input} is ambiguous: it matches ${found.size} images; give more characters`);
      return [...found.values()][0];
    }
    return undefined;
  }

  async list(): Promise<Image[]> {
    const entries = (await this.content.readIndex()).manifests as Entry[];
    const out: Image[] = [];
    const own: Image[] = [];
    for (const e of uniqueTargets(entries)) {
      const img = await this.load(e, entries).catch(() => undefined);
      if (img) own.push(img);
    }
    for (const img of [...own, ...((await this.base?.list()) ?? [])]) {
      // two manifests of one config are one image for docker: keep the named one, merge names
      const same = out.findIndex((o) => o.id === img.id);
      if (same < 0) out.push(img);
      else if (!out[same].names.length && img.names.length) out[same] = img;
      else out[same] = { ...out[same], names: [...new Set([...out[same].names, ...img.names])].sort() };
    }
    return out.sort((a, b) => Date.parse(b.config.created ?? '0') - Date.parse(a.config.created ?? '0') || a.id.localeCompare(b.id));
  }

  async tag(source: string, target: string): Promise<void> {
    const img = await this.get(source);
    const ref = parseReference(target);
    if (ref.digest) throw new EngineError('INVALID_INPUT', `refusing to create a tag with a digest reference: ${target}`);
    await this.name(img.target, [formatReference(ref)]);
  }

  async remove(refOrId: string, opts: { force?: boolean } = {}): Promise<RemoveEvent[]> {
    if (await this.isBaseImage(refOrId)) {
      throw new EngineError('FAILED_PRECONDITION', `${refOrId} is a base image shared by every student: it cannot be removed (your own tags of it can)`);
    }
    const img = await this.get(refOrId);
    const events: RemoveEvent[] = [];
    let byName: string | undefined;
    try {
      const ref = parseReference(refOrId);
      if (!ref.digest && img.names.includes(formatReference(ref))) byName = formatReference(ref);
    } catch {
      /* an ID */
    }
    if (byName && img.names.length > 1) {
      await this.content.updateIndex((index) => ({ ...index, manifests: (index.manifests as Entry[]).filter((e) => nameOf(e) !== byName) }));
      return [{ Untagged: familiarString(byName) }];
    }
    if (!byName && img.names.length > 1 && !opts.force) {
      throw new EngineError(
        'FAILED_PRECONDITION',
        `conflict: unable to delete ${shortId(img.id)} (must be forced) - image is referenced in multiple repositories (${img.names.map((n) => familiarString(n)).join(', ')}); remove the tags one by one or use -f`,
      );
    }
    for (const n of img.names) events.push({ Untagged: familiarString(n) });
    await this.content.updateIndex((index) => ({ ...index, manifests: (index.manifests as Entry[]).filter((e) => e.digest !== img.target.digest) }));
    // a student's own tag of a base image: untagged here, the base image itself stays
    const inBase = this.base && ((await this.base.content.readIndex()).manifests as Entry[]).some((e) => e.digest === img.target.digest);
    if (!inBase) events.push({ Deleted: img.id });
    return events;
  }

  async roots(): Promise<Digest[]> {
    const entries = (await this.content.readIndex()).manifests as Entry[];
    return [...new Set(entries.map((e) => e.digest))];
  }

  async layerSize(layer: Descriptor): Promise<number> {
    await this.loadSizes();
    return this.sizes.get(layer.digest)?.tarSize ?? this.tarHints.get(layer.digest) ?? (await this.layerUsage(layer)).tarSize;
  }

  async layerUsage(layer: Descriptor): Promise<LayerUsage> {
    await this.loadSizes();
    const known = this.sizes.get(layer.digest);
    if (known) return known;
    const src = await this.content.createReadStream(layer.digest);
    const usage = await measureLayer(src, /gzip$/.test(layer.mediaType) || (await this.isGzip(layer.digest)));
    await this.rememberSize(layer.digest, usage);
    return usage;
  }

  private async isGzip(digest: Digest): Promise<boolean> {
    const s = await this.content.createReadStream(digest, { start: 0, end: 1 });
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(c as Buffer);
    const head = Buffer.concat(chunks);
    return head[0] === 0x1f && head[1] === 0x8b;
  }

  /** Reads manifest + config of an index entry (for an index, the host platform's manifest). */
  private async load(entry: Descriptor, entries: Entry[], opts: { measure?: boolean } = {}): Promise<Image> {
    let data = await this.content.get(entry.digest);
    let parsed = parseManifestOrIndex(data);
    let target: Descriptor = { mediaType: entry.mediaType, digest: entry.digest, size: data.length };
    if (parsed.kind === 'index') {
      const arch = nodeArchToOci(process.arch);
      const pick = parsed.index.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch)
        ?? parsed.index.manifests.find((m) => !isIndexType(m.mediaType));
      if (!pick) throw new EngineError('NOT_FOUND', `index ${entry.digest} has no manifest for linux/${arch}`);
      data = await this.content.get(pick.digest);
      parsed = parseManifestOrIndex(data);
      if (parsed.kind !== 'manifest') throw new EngineError('INVALID_INPUT', `nested index ${pick.digest} is not supported`);
    }
    if (!target.mediaType) target = { ...target, mediaType: parsed.manifest.mediaType ?? MediaTypes.ociManifest };
    const manifest: Manifest = parsed.manifest;
    const config = JSON.parse((await this.content.get(manifest.config.digest)).toString('utf8')) as ImageConfig;
    const names = entries.filter((e) => e.digest === entry.digest).map(nameOf).filter((n): n is string => !!n).sort();
    let size = 0;
    if (opts.measure === false) await this.loadSizes();
    for (const l of manifest.layers) {
      size += opts.measure === false
        ? this.sizes.get(l.digest)?.contentSize ?? this.tarHints.get(l.digest) ?? l.size
        : (await this.layerUsage(l)).contentSize;
    }
    return { id: manifest.config.digest, target, manifest, config, names, size };
  }

  private async loadSizes(): Promise<void> {
    if (this.sizesLoaded || !this.metaDir) return;
    this.sizesLoaded = true;
    try {
      const raw = JSON.parse(await fs.readFile(path.join(this.metaDir, 'layer-usage.json'), 'utf8')) as Record<string, LayerUsage>;
      for (const [k, v] of Object.entries(raw)) if (!this.sizes.has(k) && typeof v?.tarSize === 'number') this.sizes.set(k, v);
    } catch {
      /* first use */
    }
  }

  private async rememberSize(digest: Digest, usage: LayerUsage): Promise<void> {
    this.sizes.set(digest, usage);
    if (!this.metaDir) return;
    await fs.mkdir(this.metaDir, { recursive: true });
    const file = path.join(this.metaDir, 'layer-usage.json');
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await fs.writeFile(tmp, JSON.stringify(Object.fromEntries(this.sizes)));
    await fs.rename(tmp, file);
  }
}

function withoutDigest<T extends { digest?: string }>(r: T): T {
  return { ...r, digest: undefined };
}

export function nameOf(e: Entry): string | undefined {
  const full = e.annotations?.[Annotations.imageName];
  if (full) return full;
  const tag = e.annotations?.[Annotations.refName];
  if (!tag) return undefined;
  // A plain OCI layout (skopeo copy oci:DIR:tag) names by tag only; treat it as a full reference.
  try {
    return formatReference(parseReference(tag));
  } catch {
    return undefined;
  }
}

function namedEntry(target: Descriptor, name: string, created: string): Entry {
  const ref = parseReference(name);
  return {
    mediaType: target.mediaType,
    digest: target.digest,
    size: target.size,
    annotations: { [Annotations.imageName]: name, [Annotations.refName]: ref.tag ?? 'latest', [Annotations.created]: created },
  };
}

function danglingEntry(target: Descriptor, created: string): Entry {
  return { mediaType: target.mediaType, digest: target.digest, size: target.size, annotations: { [Annotations.created]: created } };
}

function uniqueTargets(entries: Entry[]): Entry[] {
  const seen = new Set<string>();
  return entries.filter((e) => (seen.has(e.digest) ? false : (seen.add(e.digest), true)));
}
