// ADD <url>: download through the egress policy (lib/engine/egress), streamed to a file under the
// build's tmp dir with the digest computed on the way, verify --checksum, name the file after the
// URL's last path segment. Like BuildKit (source/http): mode 0600, mtime from Last-Modified when
// the server sends one, never extracted.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError, ErrorCodes, isEngineError, type SourceRange } from '../errors.ts';
import { egressFetch, egressPolicy, type EgressPolicy, type Lookup } from '../egress/egress.ts';
import { ADD_URL_TIMEOUT_SECONDS, MAX_ADD_URL_BYTES, formatBytes, limitError } from '../limits.ts';
import type { InlineFile } from './copy-files.ts';

export function isUrl(src: string): boolean {
  return /^https?:\/\//i.test(src);
}

/** A finished download: the file on disk (removed by dispose) and what the cache key needs. */
export type Download = InlineFile & { file: string; size: number; digest: string; url: string; dispose(): Promise<void> };

export type DownloadOptions = {
  /** Bytes this download may take (default LAB_MAX_ADD_URL_BYTES; less when earlier URLs of the step used some). */
  maxBytes?: number;
  /** Where the file is written (the build's $LAB_ROOT/tmp); an add-<pid>- dir is made in it. */
  tmpDir: string;
  checksum?: string;
  range?: SourceRange;
  signal?: AbortSignal;
  /** Default: egressPolicy('add') from the environment now (LAB_EGRESS_ALLOW). */
  policy?: EgressPolicy;
  lookup?: Lookup;
  timeoutMs?: number;
};

export async function download(url: string, opts: DownloadOptions): Promise<Download> {
  const fail = (code: keyof typeof ErrorCodes, msg: string, cause?: unknown) =>
    new EngineError(ErrorCodes[code], `ADD ${url}: ${msg}`, { range: opts.range, cause });
  const want = opts.checksum === undefined ? undefined : opts.checksum.includes(':') ? opts.checksum : `sha256:${opts.checksum}`;
  if (want !== undefined && !/^sha256:[a-f0-9]{64}$/.test(want)) throw fail('INVALID_FLAG', `--checksum=${opts.checksum} is not a sha256 digest (sha256:<64 hex>)`);
  const maxBytes = opts.maxBytes ?? MAX_ADD_URL_BYTES;
  const timeoutMs = opts.timeoutMs ?? ADD_URL_TIMEOUT_SECONDS * 1000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([timeout, ...(opts.signal ? [opts.signal] : [])]);
  const tooBig = () => {
    const shared = maxBytes < MAX_ADD_URL_BYTES; // what the step's earlier URLs left
    const e = limitError(`ADD ${url}: ${shared ? "the step's downloads are too large together" : 'the download is too large'}`, formatBytes(shared ? MAX_ADD_URL_BYTES : maxBytes), 'LAB_MAX_ADD_URL_BYTES', 'download a smaller file or RUN a tool that fetches only what you need');
    return new EngineError(e.code, e.message, { range: opts.range });
  };
  const rethrow = (err: unknown): never => {
    if (timeout.aborted) throw fail('RESOURCE_LIMIT', `the download took longer than ${timeoutMs / 1000} s (LAB_ADD_URL_TIMEOUT_SECONDS)`, err);
    if (opts.signal?.aborted) throw new EngineError(ErrorCodes.CANCELLED, `ADD ${url}: cancelled`, { range: opts.range, cause: err });
    if (isEngineError(err) && err.code === ErrorCodes.RESOURCE_LIMIT) throw err;
    if (isEngineError(err)) throw new EngineError(err.code, `ADD ${url}: ${err.message}`, { range: opts.range, cause: err });
    throw fail('UNAVAILABLE', `download failed (${(err as Error).message})`, err);
  };

  let res: Response;
  try {
    res = await egressFetch(url, { policy: opts.policy ?? egressPolicy('add'), signal, lookup: opts.lookup });
  } catch (err) {
    return rethrow(err);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw fail('UNAVAILABLE', `download failed: HTTP ${res.status} ${res.statusText}`);
  }
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooBig();
  }

  const name = fileName(new URL(url).pathname, res.headers.get('content-disposition'));
  const dir = await fs.mkdtemp(path.join(opts.tmpDir, `add-${process.pid}-`)); // owner pid: swept after a crash
  const dispose = () => fs.rm(dir, { recursive: true, force: true });
  const file = path.join(dir, 'download');
  const h = createHash('sha256');
  let size = 0;
  try {
    const count = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > maxBytes) return cb(tooBig());
        h.update(chunk);
        cb(null, chunk);
      },
    });
    const body = res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream) : Readable.from([]);
    await pipeline(body, count, createWriteStream(file, { flags: 'wx', mode: 0o600 }), { signal });
  } catch (err) {
    await dispose();
    return rethrow(err);
  }
  const digest = `sha256:${h.digest('hex')}`;
  if (want && want !== digest) {
    await dispose();
    throw new EngineError(ErrorCodes.DIGEST_MISMATCH, `ADD ${url}: checksum mismatch: --checksum says ${want} but the download is ${digest}`, { range: opts.range });
  }
  // BuildKit (source/http save): Last-Modified, else the Unix epoch
  const lastModified = new Date(res.headers.get('last-modified') ?? NaN);
  const mtime = isNaN(lastModified.getTime()) ? new Date(0) : lastModified;
  return { name, file, size, mode: 0o600, mtime, digest, url, dispose };
}

/**
 * BuildKit's getFileName: Content-Disposition's filename (its last segment) when the server
 * sends one, else the URL path's last segment, else "__unnamed__"; never a path.
 */
export function fileName(pathname: string, contentDisposition: string | null): string {
  const m = contentDisposition ? /(?:^|;)\s*filename\*?\s*=\s*(?:UTF-8''|"?)([^";]*)"?/i.exec(contentDisposition) : null;
  const fromHeader = m && m[1] && !m[1].endsWith('/') ? decode(m[1]).split('/').pop() : undefined;
  return safe(fromHeader) ?? safe(decode(pathname.split('/').filter(Boolean).pop() ?? '')) ?? '__unnamed__';
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function safe(name: string | undefined): string | undefined {
  return name && name !== '.' && name !== '..' && !/[/\0]/.test(name) ? name : undefined;
}
