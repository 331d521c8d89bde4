// ADD <url>: download, verify --checksum, name the file after the URL's last path segment.
// Like Docker: mode 0600, mtime from Last-Modified when the server sends one, never extracted.
import { createHash } from 'node:crypto';
import { EngineError, ErrorCodes, type SourceRange } from '../errors.ts';
import type { InlineFile } from './copy-files.ts';

export const MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;

export function isUrl(src: string): boolean {
  return /^https?:\/\//i.test(src);
}

export type Download = InlineFile & { digest: string; url: string };

export async function download(url: string, opts: { checksum?: string; range?: SourceRange; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Download> {
  const fail = (code: keyof typeof ErrorCodes, msg: string, cause?: unknown) =>
    new EngineError(ErrorCodes[code], `ADD ${url}: ${msg}`, { range: opts.range, cause });
  const signals = [AbortSignal.timeout(opts.timeoutMs ?? 120_000), ...(opts.signal ? [opts.signal] : [])];
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.any(signals), redirect: 'follow' });
  } catch (err) {
    throw fail('UNAVAILABLE', `download failed (${(err as Error).message}); builds can only reach servers this machine can reach`, err);
  }
  if (!res.ok) throw fail('UNAVAILABLE', `download failed: HTTP ${res.status} ${res.statusText}`);
  const chunks: Buffer[] = [];
  let size = 0;
  const h = createHash('sha256');
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    const b = Buffer.from(chunk);
    size += b.length;
    if (size > MAX_DOWNLOAD_BYTES) throw fail('RESOURCE_LIMIT', `the file is larger than ${MAX_DOWNLOAD_BYTES} bytes`);
    h.update(b);
    chunks.push(b);
  }
  const digest = `sha256:${h.digest('hex')}`;
  if (opts.checksum) {
    const want = opts.checksum.includes(':') ? opts.checksum : `sha256:${opts.checksum}`;
    if (!/^sha256:[a-f0-9]{64}$/.test(want)) throw fail('INVALID_FLAG', `--checksum=${opts.checksum} is not a sha256 digest (sha256:<64 hex>)`);
    if (want !== digest) throw new EngineError(ErrorCodes.DIGEST_MISMATCH, `ADD ${url}: checksum mismatch: --checksum says ${want} but the download is ${digest}`, { range: opts.range });
  }
  const lastModified = res.headers.get('last-modified');
  const mtime = lastModified ? new Date(lastModified) : undefined;
  const pathname = new URL(url).pathname;
  const name = decodeURIComponent(pathname.split('/').filter(Boolean).pop() ?? '') || '__unnamed__';
  return { name, data: Buffer.concat(chunks), mode: 0o600, mtime: mtime && !isNaN(mtime.getTime()) ? mtime : undefined, digest, url };
}
