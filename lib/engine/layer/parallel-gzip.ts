// gzip on several threads (pigz's idea, simpler form): the tar is cut into fixed 1 MiB blocks
// by uncompressed offset, each block becomes one gzip member, members are written in order.
// Concatenated members are one valid gzip file (RFC 1952 2.2); Go's, zlib's and Node's readers
// all read them. Fixed block boundaries keep the output deterministic.
import { Transform, type TransformCallback } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gzip = promisify(zlib.gzip);

export const GZIP_BLOCK = 1 << 20;

export class ParallelGzip extends Transform {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private queue: Promise<Buffer>[] = [];
  private wroteAny = false;

  constructor(
    private level: number,
    private inflight = 4,
  ) {
    super();
  }

  private dispatch(block: Buffer): void {
    const p = gzip(block, { level: this.level });
    p.catch(() => undefined); // reported when awaited in order
    this.queue.push(p);
    this.wroteAny = true;
  }

  private async drainTo(limit: number): Promise<void> {
    while (this.queue.length > limit) this.push(await this.queue.shift()!);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    let rest = chunk;
    while (rest.length > 0) {
      const take = Math.min(GZIP_BLOCK - this.partBytes, rest.length);
      this.parts.push(rest.subarray(0, take));
      this.partBytes += take;
      rest = rest.subarray(take);
      if (this.partBytes === GZIP_BLOCK) {
        this.dispatch(Buffer.concat(this.parts));
        this.parts = [];
        this.partBytes = 0;
      }
    }
    this.drainTo(this.inflight - 1).then(() => cb(), cb);
  }

  override _flush(cb: TransformCallback): void {
    if (this.partBytes > 0 || !this.wroteAny) this.dispatch(Buffer.concat(this.parts));
    this.parts = [];
    this.drainTo(0).then(() => cb(), cb);
  }
}
