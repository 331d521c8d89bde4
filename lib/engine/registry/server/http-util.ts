// Small HTTP helpers for the handler: bounded body reads, Range parsing, JSON replies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { API_VERSION, API_VERSION_HEADER } from '../registry.ts';
import { RegistryError } from './registry-errors.ts';

/** Reads the whole body; SIZE_INVALID (413) past `limit`, BLOB_UPLOAD_INVALID when cut short. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new RegistryError('SIZE_INVALID', `request body of ${declared} bytes exceeds the limit of ${limit} bytes (manifests: LAB_MAX_MANIFEST_BYTES)`, { limit }, 413);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > limit) {
        req.resume();
        throw new RegistryError('SIZE_INVALID', `request body exceeds the limit of ${limit} bytes (manifests: LAB_MAX_MANIFEST_BYTES)`, { limit }, 413);
      }
      chunks.push(c as Buffer);
    }
  } catch (err) {
    if (err instanceof RegistryError) throw err;
    throw new RegistryError('BLOB_UPLOAD_INVALID', 'the request body was cut short');
  }
  return Buffer.concat(chunks);
}

/**
 * Passes a blob body through while counting; 413 SIZE_INVALID (the spec's code for a size the
 * registry will not take) the moment more than `remaining` bytes came, or at once when
 * Content-Length says so. The rest of the body is drained so the client reads the answer.
 */
export function blobSizeGuard(req: IncomingMessage, remaining: number, limit: number): Transform {
  const tooBig = () => {
    req.unpipe();
    req.resume();
    return new RegistryError('SIZE_INVALID', `blob exceeds the registry's limit of ${limit} bytes (LAB_MAX_BLOB_BYTES)`, { limit }, 413);
  };
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > remaining) throw tooBig();
  let seen = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > remaining) return cb(tooBig());
      cb(null, chunk);
    },
  });
  req.on('error', (e) => guard.destroy(e));
  return req.pipe(guard);
}

/** "bytes=a-b" (Range) or "a-b" (Content-Range of a chunk) -> {start, end} inclusive. */
export function parseByteRange(header: string | undefined, size?: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^(?:bytes[= ])?(\d*)-(\d*)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    // suffix range: last N bytes
    if (size === undefined) return undefined;
    const n = Number(m[2]);
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? (size ?? start) - 1 : Number(m[2]);
  if (end < start) return undefined;
  return { start, end };
}

export function send(res: ServerResponse, status: number, headers: Record<string, string | number> = {}, body?: Buffer | string): void {
  const h: Record<string, string | number> = { [API_VERSION_HEADER]: API_VERSION, ...headers };
  if (body !== undefined && h['Content-Length'] === undefined) h['Content-Length'] = Buffer.byteLength(body);
  if (body === undefined && h['Content-Length'] === undefined) h['Content-Length'] = 0;
  res.writeHead(status, h);
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}, contentType = 'application/json'): void {
  send(res, status, { 'Content-Type': contentType, ...headers }, JSON.stringify(value));
}

/** Re-chunks a stream into ~`size`-byte buffers (fewer, larger writes to disk). */
export async function* coalesce(source: AsyncIterable<Buffer | Uint8Array>, size = 1 << 20): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let n = 0;
  for await (const c of source) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    pending.push(b);
    n += b.length;
    if (n >= size) {
      yield pending.length === 1 ? pending[0] : Buffer.concat(pending);
      pending = [];
      n = 0;
    }
  }
  if (n) yield pending.length === 1 ? pending[0] : Buffer.concat(pending);
}
