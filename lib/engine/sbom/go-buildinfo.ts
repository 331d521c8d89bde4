// Go build info (Go's debug/buildinfo and runtime/debug.BuildInfo): since Go 1.18 the linker
// writes a 32-byte header into the .go.buildinfo section, 16-byte aligned:
//   "\xff Go buildinf:" (14 bytes) | pointer size (1) | flags (1) | 16 bytes of padding
// With flag 0x2 (version inline) two uvarint-length-prefixed strings follow: the toolchain
// version ("go1.19.8") and the module info, which carries 16-byte sentinels at both ends and is
// tab-separated text: "path\tcmd/x", "mod\tPATH\tVERSION\tSUM", "dep\t...", "=>\t..." (the
// replacement of the line before), "build\tKEY=VALUE". Older binaries store pointers instead
// (version not inline): they are recognised but not parsed (no packages).
import { purlFor } from './purl.ts';
import { GO_BUILDINFO_WINDOW, type Package } from './sbom.ts';

export const GO_BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

export interface GoBuildInfo {
  goVersion: string;
  path?: string;
  main?: { path: string; version: string };
  deps: Array<{ path: string; version: string; replacedBy?: { path: string; version: string } }>;
}

function uvarint(buf: Buffer, pos: number): [number, number] | undefined {
  let x = 0;
  let shift = 0;
  for (let i = 0; i < 10 && pos + i < buf.length; i++) {
    const b = buf[pos + i];
    x += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [x, pos + i + 1];
    shift += 7;
  }
  return undefined;
}

/** Parses the header and strings at `buf` (which starts with the magic). */
export function parseGoBuildInfo(buf: Buffer): GoBuildInfo | undefined {
  if (buf.length < 33 || !buf.subarray(0, 14).equals(GO_BUILDINFO_MAGIC)) return undefined;
  const ptrSize = buf[14];
  const flags = buf[15];
  if ((ptrSize !== 4 && ptrSize !== 8) || (flags & 0x2) === 0) return undefined;
  const v = uvarint(buf, 32);
  if (!v || v[1] + v[0] > buf.length) return undefined;
  const goVersion = buf.subarray(v[1], v[1] + v[0]).toString('utf8');
  if (!/^go[0-9]/.test(goVersion) && !goVersion.startsWith('devel')) return undefined;
  const m = uvarint(buf, v[1] + v[0]);
  let mod = '';
  if (m && m[1] + m[0] <= buf.length) {
    const raw = buf.subarray(m[1], m[1] + m[0]);
    mod = (raw.length >= 33 && raw[raw.length - 17] === 0x0a ? raw.subarray(16, raw.length - 16) : raw).toString('utf8');
  }
  return { goVersion, ...parseModInfo(mod) };
}

export function parseModInfo(mod: string): Omit<GoBuildInfo, 'goVersion'> {
  const out: Omit<GoBuildInfo, 'goVersion'> = { deps: [] };
  for (const line of mod.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'path' && f[1]) out.path = f[1];
    else if (f[0] === 'mod' && f[1]) out.main = { path: f[1], version: f[2] ?? '' };
    else if (f[0] === 'dep' && f[1]) out.deps.push({ path: f[1], version: f[2] ?? '' });
    else if (f[0] === '=>' && f[1] && out.deps.length) out.deps[out.deps.length - 1].replacedBy = { path: f[1], version: f[2] ?? '' };
  }
  return out;
}

/** The packages a Go binary reports: its dependencies, its main module and the standard library. */
export function goPackages(info: GoBuildInfo): Package[] {
  const out: Package[] = [];
  const stdlib = /^go(\d+(?:\.\d+){0,2})/.exec(info.goVersion);
  if (stdlib) out.push({ ecosystem: 'golang', name: 'stdlib', version: `v${stdlib[1]}`, goRole: 'stdlib', purl: purlFor('golang', 'stdlib', `v${stdlib[1]}`) });
  if (info.main?.path && info.main.version && info.main.version !== '(devel)') {
    out.push({ ecosystem: 'golang', name: info.main.path, version: info.main.version, goRole: 'main', purl: purlFor('golang', info.main.path, info.main.version) });
  }
  for (const d of info.deps) {
    const eff = d.replacedBy && d.replacedBy.version ? d.replacedBy : d;
    if (!eff.version) continue;
    out.push({ ecosystem: 'golang', name: eff.path, version: eff.version, goRole: 'dep', purl: purlFor('golang', eff.path, eff.version) });
  }
  return out;
}

/** A quick look at a hit's header: pointer size, inline flag, and a "go…" version string. */
function plausibleHeader(buf: Buffer): boolean {
  if ((buf[14] !== 4 && buf[14] !== 8) || (buf[15] & 0x2) === 0) return false;
  const v = uvarint(buf, 32);
  return !!v && buf.subarray(v[1], v[1] + 2).toString('latin1') === 'go';
}

const LOOK = 64; // bytes after a hit needed to judge it

/**
 * Finds the build info while a file streams by: only ELF files, only 16-byte aligned hits of
 * the magic whose header looks right (the magic string also sits in the read-only data of
 * binaries that import debug/buildinfo), at most GO_BUILDINFO_WINDOW bytes kept after it.
 */
export class GoBuildInfoSniffer {
  private offset = 0;
  /** Bytes before `offset` still to be searched (a tail that may start a hit, or a hit not yet judged). */
  private carry: Buffer = Buffer.alloc(0);
  private capture?: Buffer[];
  private captured = 0;
  done = false;

  push(chunk: Buffer): void {
    if (this.done) return;
    if (this.offset === 0 && !chunk.subarray(0, 4).equals(ELF_MAGIC)) {
      this.done = true;
      return;
    }
    if (this.capture) {
      this.offset += chunk.length;
      return this.take(chunk);
    }
    const bufStart = this.offset - this.carry.length;
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    this.offset += chunk.length;
    for (let i = buf.indexOf(GO_BUILDINFO_MAGIC); i >= 0; i = buf.indexOf(GO_BUILDINFO_MAGIC, i + 1)) {
      if ((bufStart + i) % 16 !== 0) continue;
      if (buf.length - i < LOOK) {
        this.carry = Buffer.from(buf.subarray(i)); // judge it when more bytes are here
        return;
      }
      if (!plausibleHeader(buf.subarray(i))) continue;
      this.capture = [];
      return this.take(buf.subarray(i));
    }
    this.carry = Buffer.from(buf.subarray(Math.max(0, buf.length - (GO_BUILDINFO_MAGIC.length - 1))));
  }

  private take(chunk: Buffer): void {
    const part = chunk.subarray(0, GO_BUILDINFO_WINDOW - this.captured);
    this.capture!.push(Buffer.from(part));
    this.captured += part.length;
    if (this.captured >= GO_BUILDINFO_WINDOW) this.done = true;
  }

  /** The build info, once the file has ended (or the window is full). */
  end(): GoBuildInfo | undefined {
    this.done = true;
    if (!this.capture && this.carry.subarray(0, 14).equals(GO_BUILDINFO_MAGIC)) return parseGoBuildInfo(this.carry);
    return this.capture ? parseGoBuildInfo(Buffer.concat(this.capture)) : undefined;
  }
}
