// Test helpers (not used by production code): a crafted ELF file carrying Go build info in the
// layout Go's linker writes (header, inline version and module strings with their sentinels),
// with a decoy copy of the magic in front, as binaries importing debug/buildinfo have.
import { GO_BUILDINFO_MAGIC } from './go-buildinfo.ts';

const SENTINEL_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const SENTINEL_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

export function fakeGoBinary(goVersion: string, modInfo: string, opts: { at?: number; size?: number } = {}): Buffer {
  const at = opts.at ?? 0x2000;
  const bin = Buffer.alloc(opts.size ?? at + 4096);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(bin, 0);
  // a decoy: the magic as read-only data, 16-aligned, but no valid header after it
  GO_BUILDINFO_MAGIC.copy(bin, 0x100);
  const header = Buffer.alloc(32);
  GO_BUILDINFO_MAGIC.copy(header, 0);
  header[14] = 8;
  header[15] = 2;
  const mod = Buffer.concat([SENTINEL_START, Buffer.from(modInfo), SENTINEL_END]);
  const v = Buffer.from(goVersion);
  Buffer.concat([header, uvarint(v.length), v, uvarint(mod.length), mod]).copy(bin, at);
  return bin;
}

/** A dpkg status file: three installed packages (one with a Source and version), one removed. */
export const DPKG_STATUS = `Package: libssl3
Status: install ok installed
Priority: optional
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: 3.0.11-1~deb12u2
Description: Secure Sockets Layer toolkit - shared libraries
 This package is part of the OpenSSL project's implementation.

Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib (1:1.2.13.dfsg-1)
Version: 1:1.2.13.dfsg-1

Package: oldpkg
Status: deinstall ok config-files
Architecture: all
Version: 1.0

Package: base-files
Status: install ok installed
Architecture: amd64
Version: 12.4+deb12u5
`;

export const MOD_INFO = 'path\texample.com/app\nmod\texample.com/app\tv1.2.3\th1:abc=\ndep\tgolang.org/x/net\tv0.10.0\th1:x=\ndep\tgolang.org/x/text\tv0.3.0\th1:y=\n=>\tgolang.org/x/text\tv0.9.0\th1:z=\nbuild\t-compiler=gc\n';
