// Pipe a Readable into the store (pull, push, load): hashing while writing, verified at commit.
import type { Readable } from 'node:stream';
import type { BlobInfo, ContentStore, Digest } from './content-store.ts';

export async function ingestStream(
  store: ContentStore,
  source: Readable | AsyncIterable<Buffer | Uint8Array>,
  expected?: { digest?: Digest; size?: number },
): Promise<BlobInfo> {
  const w = await store.writer();
  try {
    for await (const chunk of source as AsyncIterable<Buffer | Uint8Array>) {
      await w.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      if (expected?.size !== undefined && w.size > expected.size) break; // fail fast on oversize
    }
    return await w.commit(expected);
  } finally {
    await w.abort();
  }
}
