// How big a layer is, two ways: the tar's byte count (what `lab save` writes) and its content
// size as docker counts it for `docker history` / `docker images` SIZE (archive.ChangesSize:
// sizes of regular files and symlink targets, each hard-linked file once, deletions 0).
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { entryContentBytes } from '../layer/content-size.ts';
import type { LayerUsage } from './image.ts';

export async function measureLayer(src: Readable, gzipped: boolean): Promise<LayerUsage> {
  let tarSize = 0;
  let contentSize = 0;
  const count = new Transform({
    transform(chunk: Buffer, _e, cb) {
      tarSize += chunk.length;
      cb(null, chunk);
    },
  });
  const extract = tar.extract();
  extract.on('entry', (h, stream, next) => {
    contentSize += entryContentBytes(h);
    stream.on('end', next);
    stream.resume();
  });
  const stages = gzipped ? [src, createGunzip(), count, extract] : [src, count, extract];
  await pipeline(stages as unknown as [NodeJS.ReadableStream, ...NodeJS.WritableStream[]]);
  return { tarSize, contentSize };
}
