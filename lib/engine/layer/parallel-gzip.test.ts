import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GZIP_BLOCK, ParallelGzip } from './parallel-gzip.ts';

async function run(input: Buffer[], level = 6): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of Readable.from(input).pipe(new ParallelGzip(level))) out.push(c as Buffer);
  return Buffer.concat(out);
}

describe('ParallelGzip', () => {
  it('round-trips through a standard gunzip, across block boundaries and odd chunk sizes', async () => {
    const data = Buffer.concat([randomBytes(GZIP_BLOCK + 123), Buffer.alloc(3 * GZIP_BLOCK, 'a'), randomBytes(77)]);
    const chunks: Buffer[] = [];
    for (let off = 0; off < data.length; off += 300_001) chunks.push(data.subarray(off, off + 300_001));
    const gz = await run(chunks);
    expect(zlib.gunzipSync(gz).equals(data)).toBe(true);
    expect(gz.length).toBeLessThan(data.length); // the 'a' blocks compress
  });

  it('is deterministic whatever the input chunking', async () => {
    const data = randomBytes(2 * GZIP_BLOCK + 5);
    const a = await run([data]);
    const b = await run([data.subarray(0, 10), data.subarray(10, GZIP_BLOCK + 1), data.subarray(GZIP_BLOCK + 1)]);
    expect(a.equals(b)).toBe(true);
  });

  it('writes a valid gzip for empty input', async () => {
    const gz = await run([]);
    expect(zlib.gunzipSync(gz).length).toBe(0);
  });
});
