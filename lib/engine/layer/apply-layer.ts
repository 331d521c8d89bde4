// Apply (extract) a layer tar into a directory, safely: no "..", no writing through symlinks,
// hardlinks only to files inside the destination. 'rootfs' mode applies whiteouts by deleting;
// 'overlay' mode writes lowerdir form for the unpacked-layer cache (char 0/0, opaque xattr).
import { execFile, spawn } from 'node:child_process';
import { chmodSync, createWriteStream, lchownSync, lutimesSync, writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import tar, { type Header } from 'tar-stream';
import { EngineError } from '../errors.ts';
import { OPAQUE_XATTR, WHITEOUT_OPAQUE, WHITEOUT_PREFIX, type ApplyOptions, type ApplyResult } from './layer.ts';
import { PaxSniffer } from './pax-sniffer.ts';
import { OPAQUE_HEX, setXattr } from './xattr.ts';

const execFileP = promisify(execFile);

const SMALL_FILE = 4 * 1024 * 1024;

function unsafe(name: string, why: string): EngineError {
  return new EngineError('UNSAFE_ARCHIVE', `refusing archive entry "${name}": ${why}`);
}

/** "./a//b/" -> "a/b"; throws on ".." and (strict) on absolute names. */
export function cleanEntryName(name: string, strict = false): string {
  if (name.startsWith('/') && strict) throw unsafe(name, 'absolute paths are not allowed');
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw unsafe(name, '".." would leave the destination directory');
  if (name.includes('\0')) throw unsafe(name, 'NUL byte in name');
  return parts.join('/');
}

/** Sniffs gzip / bzip2 / xz / zstd and returns the plain tar stream (bzip2/xz/zstd via Debian tools). */
export async function decompressed(input: Readable): Promise<Readable> {
  const it = input[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  const pending: Buffer[] = [];
  while (head.length < 6) {
    const r = await it.next();
    if (r.done) break;
    pending.push(r.value as Buffer);
    head = Buffer.concat(pending);
  }
  const rest = Readable.from(
    (async function* () {
      if (head.length) yield head;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value as Buffer;
      }
    })(),
  );
  const tool = (cmd: string) => {
    const child = spawn(cmd, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = new PassThrough();
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', (err) => out.destroy(new EngineError('UNAVAILABLE', `cannot run ${cmd} to decompress the archive: ${err.message}`)));
    child.on('close', (code) => {
      if (code !== 0) out.destroy(new EngineError('INVALID_INPUT', `${cmd} could not decompress the archive: ${stderr.trim()}`));
    });
    child.stdout.pipe(out);
    rest.pipe(child.stdin).on('error', () => undefined);
    return out;
  };
  if (head[0] === 0x1f && head[1] === 0x8b) return rest.pipe(zlib.createGunzip());
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return tool('bzip2');
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return tool('xz');
  if (head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return tool('zstd');
  return rest;
}

async function lstatOrNull(p: string) {
  return fs.lstat(p).catch(() => null);
}

class Applier {
  result: ApplyResult = { entries: 0, bytes: 0, opaqueDirs: [], whiteouts: [] };
  private dirMeta = new Map<string, Header>();
  private created = new Set<string>();
  private pendingWhiteouts: string[] = [];
  private pendingCaps: [string, string][] = [];
  /** Directories checked (real dirs, no symlinks) during this apply; saves an lstat per component. */
  private knownDirs = new Set<string>();

  constructor(
    private dest: string,
    private opts: ApplyOptions,
    private rawCaps: Map<string, Buffer>,
  ) {}

  private abs(rel: string): string {
    return rel ? path.join(this.dest, rel) : this.dest;
  }

  /** Makes sure every parent of `rel` is a real directory inside dest (creating missing ones). */
  private async parents(rel: string, entryName: string): Promise<void> {
    const parts = rel.split('/');
    let cur = '';
    for (let i = 0; i < parts.length - 1; i++) {
      cur = cur ? `${cur}/${parts[i]}` : parts[i];
      if (this.knownDirs.has(cur)) continue;
      const st = await lstatOrNull(this.abs(cur));
      if (!st) {
        await fs.mkdir(this.abs(cur), { mode: 0o755 });
        this.created.add(cur);
        this.knownDirs.add(cur);
      } else if (st.isDirectory()) {
        this.knownDirs.add(cur);
      } else if (st.isSymbolicLink()) {
        throw unsafe(entryName, `"${cur}" is a symlink; writing through it could leave the destination`);
      } else if (!st.isDirectory()) {
        throw unsafe(entryName, `"${cur}" is not a directory`);
      }
    }
  }

  private forget(rel: string): void {
    this.knownDirs.delete(rel);
    for (const d of this.knownDirs) if (d.startsWith(`${rel}/`)) this.knownDirs.delete(d);
  }

  private async removeExisting(rel: string, keepDir: boolean): Promise<void> {
    const st = await lstatOrNull(this.abs(rel));
    if (!st) return;
    if (keepDir && st.isDirectory()) return;
    if (st.isDirectory()) this.forget(rel);
    await fs.rm(this.abs(rel), { recursive: true, force: true });
  }

  /** rootfs mode: delete what lower layers had under an opaque dir (not what this layer wrote). */
  private async clearOpaque(rel: string): Promise<void> {
    for (const name of await fs.readdir(this.abs(rel)).catch(() => [] as string[])) {
      const child = rel ? `${rel}/${name}` : name;
      if (!this.created.has(child)) await fs.rm(this.abs(child), { recursive: true, force: true });
      else if ((await lstatOrNull(this.abs(child)))?.isDirectory()) await this.clearOpaque(child);
    }
  }

  async entry(header: Header, body: Readable): Promise<void> {
    const strict = this.opts.strictPaths ?? false;
    const rel = cleanEntryName(header.name, strict);
    this.result.entries++;
    if (rel === '') {
      if (header.type === 'directory') this.dirMeta.set('', header);
      body.resume();
      return;
    }
    await this.parents(rel, header.name);
    const base = path.posix.basename(rel);
    const dir = path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel);
    if (base === WHITEOUT_OPAQUE) {
      this.result.opaqueDirs.push(dir);
      if (this.opts.mode === 'overlay') await setXattr(this.abs(dir), OPAQUE_XATTR, OPAQUE_HEX);
      else {
        this.knownDirs.clear();
        await this.clearOpaque(dir);
      }
      body.resume();
      return;
    }
    if (base.startsWith(WHITEOUT_PREFIX)) {
      const target = dir ? `${dir}/${base.slice(WHITEOUT_PREFIX.length)}` : base.slice(WHITEOUT_PREFIX.length);
      cleanEntryName(target); // ".wh..." names must still not escape
      this.result.whiteouts.push(target);
      await this.removeExisting(target, false);
      if (this.opts.mode === 'overlay') this.pendingWhiteouts.push(this.abs(target));
      body.resume();
      return;
    }
    const abs = this.abs(rel);
    this.created.add(rel);
    switch (header.type) {
      case 'directory':
        await this.removeExisting(rel, true);
        if (!(await lstatOrNull(abs))) await fs.mkdir(abs, { mode: 0o700 });
        this.dirMeta.set(rel, header);
        body.resume();
        return;
      case 'file':
      case 'contiguous-file':
        await this.removeExisting(rel, false);
        if (header.size <= SMALL_FILE) {
          // small files: collect and write synchronously (page cache; no thread-pool round trips)
          const chunks: Buffer[] = [];
          for await (const c of body) chunks.push(c as Buffer);
          writeFileSync(abs, Buffer.concat(chunks), { flag: 'wx', mode: 0o600 });
        } else {
          await pipeline(body, createWriteStream(abs, { flags: 'wx', mode: 0o600 }));
        }
        this.result.bytes += header.size;
        break;
      case 'symlink':
        await this.removeExisting(rel, false);
        await fs.symlink(header.linkname, abs);
        body.resume();
        break;
      case 'link': {
        const target = cleanEntryName(header.linkname, strict);
        await this.parents(target, header.name);
        const tst = await lstatOrNull(this.abs(target));
        if (!tst) throw unsafe(header.name, `its hardlink target "${header.linkname}" does not exist in the archive`);
        if (tst.isDirectory()) throw unsafe(header.name, 'hardlinks to directories are not allowed');
        await this.removeExisting(rel, false);
        await fs.link(this.abs(target), abs);
        body.resume();
        return; // a hardlink shares the target's metadata
      }
      case 'character-device':
      case 'block-device':
      case 'fifo': {
        await this.removeExisting(rel, false);
        const kind = header.type === 'fifo' ? ['p'] : [header.type === 'block-device' ? 'b' : 'c', String(header.devmajor), String(header.devminor)];
        await execFileP('mknod', [abs, ...kind]).catch((err) => {
          throw new EngineError('SNAPSHOT_ERROR', `cannot create device ${header.name}: ${err.message} (needs root)`);
        });
        body.resume();
        break;
      }
      default:
        body.resume();
        return; // pax-global-header and other metadata-only entries
    }
    await this.meta(abs, header);
    const cap = this.rawCaps.get(header.name);
    if (cap) this.pendingCaps.push([abs, cap.toString('hex')]);
  }

  private async meta(abs: string, h: Header): Promise<void> {
    const isLink = h.type === 'symlink';
    if (this.opts.preserveOwner ?? true) lchownSync(abs, h.uid ?? 0, h.gid ?? 0);
    if (!isLink) chmodSync(abs, h.mode & 0o7777); // after chown, which clears setuid/setgid
    const t = h.mtime ?? new Date(0);
    lutimesSync(abs, t, t);
  }

  async finish(): Promise<void> {
    for (let i = 0; i < this.pendingWhiteouts.length; i += 200) {
      const batch = this.pendingWhiteouts.slice(i, i + 200);
      await execFileP('sh', ['-c', 'for p; do mknod "$p" c 0 0 || exit 1; done', 'sh', ...batch]).catch((err) => {
        throw new EngineError('SNAPSHOT_ERROR', `cannot create whiteout devices: ${err.message} (needs root)`);
      });
    }
    for (const [abs, hex] of this.pendingCaps) await setXattr(abs, 'security.capability', hex);
    // deepest directories first, so setting a child's times does not touch the parent's afterwards
    const dirs = [...this.dirMeta.keys()].sort((a, b) => b.length - a.length);
    for (const rel of dirs) await this.meta(this.abs(rel), this.dirMeta.get(rel)!);
  }
}

/** Applies a (possibly compressed) layer tar to `dest`. */
export async function applyLayer(input: Readable, dest: string, opts: ApplyOptions): Promise<ApplyResult> {
  await fs.mkdir(dest, { recursive: true });
  const sniffer = new PaxSniffer();
  const applier = new Applier(path.resolve(dest), opts, sniffer.capabilities);
  const extract = tar.extract();
  const plain = await decompressed(input);
  plain.on('error', (err) => extract.destroy(err));
  sniffer.on('error', (err) => extract.destroy(err));
  plain.pipe(sniffer).pipe(extract as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extract) {
      await applier.entry(entry.header, entry as unknown as Readable);
    }
  } catch (err) {
    plain.destroy();
    if (err instanceof EngineError) throw err;
    throw new EngineError('INVALID_INPUT', `cannot apply layer: ${(err as Error).message}`, { cause: err });
  }
  await applier.finish();
  applier.result.diffId = `sha256:${sniffer.hash.digest('hex')}`;
  return applier.result;
}
