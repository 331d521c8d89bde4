// Test helpers (not used by production code): crafted layer tars and images put into a real
// content store, so index tests run on exactly the entries they name.
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { sha256 } from '../content-store/digest.ts';
import type { ImageStore, Image, HistoryEntry, ImageConfig } from '../image/image.ts';
import { MediaTypes } from '../image/image.ts';

export interface TarEntrySpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  content?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string;
  mtime?: number;
}

/** Shorthands: "d:usr/" a directory, "f:etc/x=hello" a file, "w:etc/.wh.x" a whiteout, "o:dir" an opaque marker. */
export function spec(s: string): TarEntrySpec {
  const kind = s.slice(0, 2);
  const rest = s.slice(2);
  if (kind === 'd:') return { name: rest.replace(/\/?$/, '/'), type: 'directory', mode: 0o755 };
  if (kind === 'o:') return { name: `${rest.replace(/\/$/, '')}/.wh..wh..opq`, type: 'file', content: '' };
  if (kind === 'w:') return { name: rest, type: 'file', content: '' };
  if (kind === 'l:') {
    const [name, target] = rest.split('->');
    return { name, type: 'symlink', linkname: target };
  }
  const eq = rest.indexOf('=');
  return { name: eq < 0 ? rest : rest.slice(0, eq), type: 'file', content: eq < 0 ? '' : rest.slice(eq + 1), mode: 0o644 };
}

export async function layerTar(entries: Array<TarEntrySpec | string>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const raw of entries) {
    const e = typeof raw === 'string' ? spec(raw) : raw;
    const body = e.content === undefined ? undefined : Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content);
    const type = e.type ?? 'file';
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      const header = { name: e.name, type, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), uid: e.uid ?? 0, gid: e.gid ?? 0, linkname: e.linkname, mtime: new Date((e.mtime ?? 1_700_000_000) * 1000), size: type === 'file' ? (body?.length ?? 0) : 0 };
      if (type === 'file') pack.entry(header, body ?? Buffer.alloc(0), cb);
      else pack.entry(header, '', cb);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export interface TestImageInput {
  layers: Array<Array<TarEntrySpec | string>>;
  /** created_by per layer (default "RUN step N # buildkit"); extra config-only steps go in `history`. */
  history?: HistoryEntry[];
  env?: string[];
  labels?: Record<string, string>;
  tag?: string;
  /** Store layers uncompressed (default gzip). */
  plain?: boolean;
}

export async function putTestImage(images: ImageStore, input: TestImageInput): Promise<Image> {
  const layers = [];
  for (const entries of input.layers) {
    const t = await layerTar(entries);
    const blob = input.plain ? t : zlib.gzipSync(t, { level: 1 });
    const info = await images.content.put(blob);
    layers.push({ descriptor: { mediaType: input.plain ? MediaTypes.ociLayer : MediaTypes.ociLayerGzip, digest: info.digest, size: info.size }, diffId: sha256(t), uncompressedSize: t.length });
  }
  const history = input.history ?? input.layers.map((_, i) => ({ created_by: `RUN step ${i} # buildkit`, created: '2024-01-01T00:00:00Z' }));
  const config: ImageConfig = {
    architecture: 'amd64',
    os: 'linux',
    created: '2024-01-01T00:00:00Z',
    config: { Env: input.env ?? ['PATH=/usr/bin:/bin'], Labels: input.labels },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history,
  };
  return images.putImage({ config, layers, tags: input.tag ? [input.tag] : [] });
}
