// tar-stream decodes PAX values as UTF-8 text, which loses the binary security.capability
// xattr. This pass-through transform walks the same tar blocks and keeps the raw bytes of
// that record, keyed by the entry's path, so the extractor can restore it byte for byte.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const BLOCK = 512;
const CAP_KEY = 'SCHILY.xattr.security.capability';

function cstr(buf: Buffer, start: number, len: number): string {
  const slice = buf.subarray(start, start + len);
  const nul = slice.indexOf(0);
  return (nul < 0 ? slice : slice.subarray(0, nul)).toString('utf8');
}

function octal(buf: Buffer, start: number, len: number): number {
  if (buf[start] & 0x80) {
    let n = 0;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + buf[i];
    return n;
  }
  return parseInt(cstr(buf, start, len).trim() || '0', 8);
}

/** Parses "%d key=value\n" records, values as raw bytes. */
export function parsePaxRecords(body: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  while (off < body.length) {
    const sp = body.indexOf(0x20, off);
    if (sp < 0) break;
    const len = parseInt(body.subarray(off, sp).toString('latin1'), 10);
    if (!len) break;
    const rec = body.subarray(sp + 1, off + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq > 0) out.set(rec.subarray(0, eq).toString('utf8'), Buffer.from(rec.subarray(eq + 1)));
    off += len;
  }
  return out;
}

export class PaxSniffer extends Transform {
  /** entry path (as tar-stream reports header.name) -> raw capability bytes */
  readonly capabilities = new Map<string, Buffer>();
  /** sha256 of every (uncompressed) byte seen: the layer's diffID. */
  readonly hash = createHash('sha256');
  private pending: Buffer = Buffer.alloc(0);
  private skip = 0; // data bytes (incl. padding) still to pass without parsing
  private collect: { type: number; size: number; chunks: Buffer[]; got: number } | undefined;
  private pax: Map<string, Buffer> | undefined;
  private longName: string | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.push(chunk);
    this.hash.update(chunk);
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buf.length > 0) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length);
        if (this.collect && this.collect.got < this.collect.size) {
          const take = Math.min(n, this.collect.size - this.collect.got);
          this.collect.chunks.push(Buffer.from(buf.subarray(0, take)));
          this.collect.got += take;
        }
        this.skip -= n;
        buf = buf.subarray(n);
        if (this.skip === 0 && this.collect) this.finishCollect();
        continue;
      }
      if (buf.length < BLOCK) break;
      this.header(buf.subarray(0, BLOCK));
      buf = buf.subarray(BLOCK);
    }
    this.pending = Buffer.from(buf);
    cb();
  }

  private header(h: Buffer): void {
    if (h.every((b) => b === 0)) return;
    const type = h[156];
    const size = octal(h, 124, 12);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    const isMeta = type === 0x78 /* x */ || type === 0x4c /* L */;
    if (isMeta) this.collect = { type, size, chunks: [], got: 0 };
    else {
      const prefix = cstr(h, 345, 155);
      const name = this.pax?.get('path')?.toString('utf8') ?? this.longName ?? (prefix ? `${prefix}/${cstr(h, 0, 100)}` : cstr(h, 0, 100));
      const cap = this.pax?.get(CAP_KEY);
      if (cap) this.capabilities.set(name, cap);
      this.pax = undefined;
      this.longName = undefined;
    }
    this.skip = padded;
    if (padded === 0 && this.collect) this.finishCollect();
  }

  private finishCollect(): void {
    const c = this.collect!;
    this.collect = undefined;
    const body = Buffer.concat(c.chunks);
    if (c.type === 0x78) this.pax = parsePaxRecords(body);
    else this.longName = cstr(body, 0, body.length);
  }
}
