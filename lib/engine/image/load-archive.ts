// `lab load -i FILE`: detects the archive format and loads every image in it.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { EngineError } from '../errors.ts';
import { extractArchive } from './archive-extract.ts';
import { loadDockerArchive } from './docker-archive.ts';
import type { Image, ImageStore } from './image.ts';
import { loadOciArchive } from './oci-archive.ts';
import { familiarString } from './reference.ts';

export interface LoadResult {
  format: 'oci-archive' | 'docker-archive';
  images: Image[];
  /** docker's output lines: "Loaded image: busybox:latest" / "Loaded image ID: sha256:..." */
  messages: string[];
}

export async function loadArchive(images: ImageStore, input: Readable, opts: { tmpDir?: string } = {}): Promise<LoadResult> {
  const base = opts.tmpDir ?? os.tmpdir();
  await fs.mkdir(base, { recursive: true });
  const dir = await fs.mkdtemp(path.join(base, 'lab-load-'));
  try {
    const files = new Set(await extractArchive(input, dir));
    let format: LoadResult['format'];
    let loaded: Array<{ image: Image; names: string[] }>;
    if (files.has('index.json') && files.has('oci-layout')) {
      format = 'oci-archive';
      loaded = await loadOciArchive(images, dir);
    } else if (files.has('manifest.json')) {
      format = 'docker-archive';
      loaded = await loadDockerArchive(images, dir);
    } else {
      throw new EngineError('INVALID_INPUT', 'not an image archive: it has neither manifest.json (docker save) nor oci-layout + index.json (OCI)');
    }
    const messages: string[] = [];
    for (const { image, names } of loaded) {
      if (names.length) for (const n of names) messages.push(`Loaded image: ${familiarString(n)}`);
      else messages.push(`Loaded image ID: ${image.id}`);
    }
    return { format, images: loaded.map((l) => l.image), messages: [...new Set(messages)] };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
