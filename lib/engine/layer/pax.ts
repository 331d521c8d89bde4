// PAX extended headers written by us (binary-safe), because tar-stream's own PAX encoder
// writes values as UTF-8 text, which corrupts the binary security.capability xattr.
import type { Pack } from 'tar-stream';

/** One "%d key=value\n" record; the length counts itself. */
function record(key: string, value: Buffer): Buffer {
  const rest = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = rest.length + String(rest.length).length;
  if (String(len).length !== String(rest.length).length) len = rest.length + String(len).length;
  return Buffer.concat([Buffer.from(String(len)), rest]);
}

export function encodePaxRecords(records: [string, Buffer][]): Buffer {
  return Buffer.concat(records.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => record(k, v)));
}

export function isAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/** A name that fits a USTAR field, for readers that ignore PAX. */
export function ustarFallbackName(name: string, max = 100): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_');
  return ascii.length <= max ? ascii : ascii.slice(ascii.length - max);
}

type PaxHeader = { rawPax?: Buffer } & Record<string, unknown>;

/**
 * Teaches a tar-stream Pack to emit `header.rawPax` as a PAX header block before the entry.
 * It reuses the pack's own USTAR encoder for both headers; only the record body is ours.
 */
export function enableRawPax(pack: Pack): void {
  const p = pack as unknown as { _encode(h: PaxHeader): void; push(b: Buffer): boolean };
  if (typeof p._encode !== 'function') throw new Error('tar-stream changed: Pack._encode is gone (see layer/pax.ts)');
  const encode = p._encode.bind(p);
  p._encode = (header: PaxHeader) => {
    const raw = header.rawPax;
    if (!raw) return encode(header);
    const base = String(header.name).replace(/\/$/, '').split('/').pop() ?? 'entry';
    encode({ name: ustarFallbackName(`PaxHeaders/${base}`), type: 'pax-header', size: raw.length, mode: 0o100644, uid: 0, gid: 0, mtime: header.mtime });
    p.push(raw);
    const pad = (512 - (raw.length % 512)) % 512;
    if (pad) p.push(Buffer.alloc(pad));
    encode({ ...header, rawPax: undefined });
  };
}
