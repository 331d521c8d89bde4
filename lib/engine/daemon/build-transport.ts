// What travels with POST /build besides the context tar, BuildKit-style: the client sends the
// CONTENT the build needs (secrets, a Dockerfile from outside the context) and gets the export
// back as a stream; the daemon never opens a path the client names.
//   X-Lab-Secrets  "id:base64,id:base64" — values read by the CLI (src= or env=), bounded like
//                  BuildKit's secrets provider (session/secrets/secretsprovider: 500 KiB each).
//   export frames  lines {"type":"export.data","data":base64} in the NDJSON response, then
//                  {"type":"export.end"}; the CLI writes them where IT may write.
import { Writable } from 'node:stream';
import { EngineError, ErrorCodes } from '../errors.ts';
import type { ExportType } from '../build/build.ts';
import { DOCKERFILE_READ_MAX_BYTES } from '../build/dockerfile-source.ts';

function limit(name: string, def: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : def;
}

/** One secret's value (BuildKit's MaxSecretSize); LAB_SECRET_MAX_BYTES. */
export const SECRET_MAX_BYTES = limit('LAB_SECRET_MAX_BYTES', 500 * 1024);
/** All secrets of one build together; LAB_SECRETS_MAX_BYTES (the RUN secret tmpfs is 4 MiB). */
export const SECRETS_MAX_BYTES = limit('LAB_SECRETS_MAX_BYTES', 1 << 20);
/** Room for all request headers: the Dockerfile text and the secrets, base64, plus the rest. */
export const MAX_HEADER_BYTES = Math.ceil(((DOCKERFILE_READ_MAX_BYTES + SECRETS_MAX_BYTES) * 4) / 3) + 64 * 1024;

const SECRET_ID = /^[A-Za-z0-9_.-]{1,128}$/;
export const EXPORT_TYPES: readonly ExportType[] = ['oci', 'docker', 'tar'];
/** Bytes per export frame (before base64). */
const FRAME_BYTES = 64 * 1024;

export function checkSecrets(secrets: Record<string, Buffer>): void {
  let total = 0;
  for (const [id, v] of Object.entries(secrets)) {
    if (!SECRET_ID.test(id)) throw new EngineError(ErrorCodes.INVALID_FLAG, `--secret id=${id}: an id is 1-128 letters, digits, ".", "_" or "-"`);
    if (v.length > SECRET_MAX_BYTES) throw new EngineError(ErrorCodes.RESOURCE_LIMIT, `secret ${id} is ${v.length} bytes; a secret may have at most ${SECRET_MAX_BYTES} (LAB_SECRET_MAX_BYTES)`);
    total += v.length;
  }
  if (total > SECRETS_MAX_BYTES) throw new EngineError(ErrorCodes.RESOURCE_LIMIT, `the secrets of this build are ${total} bytes together; at most ${SECRETS_MAX_BYTES} (LAB_SECRETS_MAX_BYTES)`);
}

export function encodeSecrets(secrets: Record<string, Buffer>): string {
  checkSecrets(secrets);
  return Object.entries(secrets).map(([id, v]) => `${id}:${v.toString('base64')}`).join(',');
}

export function decodeSecrets(header: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const part of header.split(',').filter(Boolean)) {
    const i = part.indexOf(':');
    const id = part.slice(0, i);
    if (i < 0 || !/^[A-Za-z0-9+/]*=*$/.test(part.slice(i + 1))) throw new EngineError(ErrorCodes.INVALID_INPUT, 'X-Lab-Secrets: expected id:base64 pairs separated by commas');
    out[id] = Buffer.from(part.slice(i + 1), 'base64');
  }
  checkSecrets(out);
  return out;
}

/** The `outputs` query parameter: [{"type":"oci"}] — a type only; a dest is refused (the daemon writes no client path). */
export function exportTypeFromQuery(value: string | null): ExportType | undefined {
  if (!value) return undefined;
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch {
    throw new EngineError(ErrorCodes.INVALID_INPUT, 'query parameter outputs is not valid JSON');
  }
  const items = (Array.isArray(list) ? list : [list]) as Record<string, unknown>[];
  if (items.length !== 1 || typeof items[0] !== 'object' || items[0] === null) throw new EngineError(ErrorCodes.INVALID_INPUT, 'outputs: give exactly one exporter, e.g. [{"type":"oci"}]');
  const o = items[0];
  const attrs = (o.attrs ?? o.Attrs ?? {}) as Record<string, unknown>;
  if ('dest' in o || 'dest' in attrs) {
    throw new EngineError(ErrorCodes.INVALID_INPUT, 'outputs: the daemon does not write files; it streams the export back and the client writes dest= itself');
  }
  const type = String(o.type ?? o.Type ?? '');
  if (type === 'image') return undefined;
  if (!(EXPORT_TYPES as string[]).includes(type)) throw new EngineError(ErrorCodes.INVALID_INPUT, `outputs: type=${type} is not supported; use oci, docker or tar (local is a tar the CLI extracts)`);
  return type as ExportType;
}

/** The daemon side: a Writable whose bytes go out as export frames, with the response's backpressure. */
export function exportFrameSink(write: (line: string) => boolean, onDrain: (cb: (err?: Error) => void) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      let ok = true;
      for (let i = 0; i < chunk.length; i += FRAME_BYTES) ok = write(`${JSON.stringify({ type: 'export.data', data: chunk.subarray(i, i + FRAME_BYTES).toString('base64') })}\n`) && ok;
      if (ok) cb();
      else onDrain((err) => cb(err));
    },
    final(cb) {
      write(`${JSON.stringify({ type: 'export.end' })}\n`);
      cb();
    },
  });
}

export type ExportFrame = { type: 'export.data'; data: string } | { type: 'export.end' };

export function isExportFrame(o: { type?: unknown }): o is ExportFrame {
  return o.type === 'export.data' || o.type === 'export.end';
}
