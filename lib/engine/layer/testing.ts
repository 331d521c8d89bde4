// Test helpers shared by the layer and snapshot suites (not used by production code).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { walkTree } from './walk.ts';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function hasTool(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface TarEntrySummary {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname?: string;
  sha256?: string;
  pax?: Record<string, string>;
}

/** Parses a (gzip) layer tar into entry summaries, in archive order. */
export async function readTar(data: Buffer): Promise<TarEntrySummary[]> {
  const plain = data[0] === 0x1f && data[1] === 0x8b ? zlib.gunzipSync(data) : data;
  const ex = tar.extract();
  const out: TarEntrySummary[] = [];
  const done = (async () => {
    for await (const e of ex) {
      const h = createHash('sha256');
      for await (const c of e) h.update(c as Buffer);
      out.push({
        name: e.header.name,
        type: e.header.type,
        mode: e.header.mode & 0o7777,
        uid: e.header.uid,
        gid: e.header.gid,
        size: e.header.size,
        mtime: Math.floor(e.header.mtime.getTime() / 1000),
        linkname: e.header.linkname || undefined,
        sha256: e.header.type === 'file' ? h.digest('hex') : undefined,
        pax: (e.header.pax as Record<string, string> | undefined) ?? undefined,
      });
    }
  })();
  ex.end(plain);
  await done;
  return out;
}

/** A comparable listing of a tree: path -> "type mode uid:gid size target sha" (no times). */
export async function treeListing(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const { rel, abs, st } of walkTree(root)) {
    const mode = (Number(st.mode) & 0o7777).toString(8);
    let extra = '';
    if (st.isFile()) extra = createHash('sha256').update(await fs.readFile(abs)).digest('hex').slice(0, 16);
    if (st.isSymbolicLink()) extra = `-> ${await fs.readlink(abs)}`;
    if (st.isCharacterDevice() || st.isBlockDevice()) extra = `dev ${st.rdev}`;
    const type = st.isDirectory() ? 'd' : st.isFile() ? 'f' : st.isSymbolicLink() ? 'l' : st.isCharacterDevice() ? 'c' : st.isFIFO() ? 'p' : '?';
    out[rel] = `${type} ${mode} ${st.uid}:${st.gid} ${st.isFile() ? st.size : ''} ${extra}`.trim();
  }
  return out;
}

/** Rounds every mtime under root down to whole seconds (tar keeps seconds only). */
export async function truncateTimes(root: string): Promise<void> {
  for await (const { abs, st } of walkTree(root)) {
    const s = new Date(Number(st.mtimeNs / 1_000_000_000n) * 1000);
    await fs.lutimes(abs, s, s);
  }
  const st = await fs.stat(root);
  const s = new Date(Math.floor(st.mtimeMs / 1000) * 1000);
  await fs.utimes(root, s, s);
}

export async function write(root: string, rel: string, content: string, mode = 0o644): Promise<void> {
  const p = path.join(root, rel);
  await fs.mkdir(path.dirname(p), { recursive: true });
  await fs.writeFile(p, content);
  await fs.chmod(p, mode);
}

/** A capability value (VFS v2) granting CAP_SETUID (bit 7, so a byte >= 0x80) and CAP_NET_RAW. */
export const CAP_HEX = '0100000280200000000000000000000000000000';
