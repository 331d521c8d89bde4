// Applies COPY/ADD into a destination rootfs with Docker's rules: a trailing "/" or several
// sources make the destination a directory, a directory source copies its contents, files
// keep their mode and mtime, context files become root-owned unless --chown says otherwise.
import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError, ErrorCodes, type SourceRange } from '../errors.ts';
import { mkdirAllInRoot, resolveInRoot } from '../executor/scoped-path.ts';
import { CAPABILITY_XATTR } from '../layer/layer.ts';
import { readXattrsOf, setXattr } from '../layer/xattr.ts';
import type { CopyEntry, SourceMatch } from './copy-sources.ts';

/** A file whose bytes come from the Dockerfile (heredoc: data) or a download on disk (ADD URL: file). */
export type InlineFile = { name: string; mode?: number; mtime?: Date } & ({ data: string | Buffer; file?: undefined } | { file: string; size: number; data?: undefined });

export type CopyOptions = {
  /** Host path of the destination root filesystem. */
  rootfs: string;
  /** Destination as written (after expansion), and the WORKDIR it is relative to. */
  dest: string;
  workdir: string;
  /** Number of source arguments (incl. heredocs): more than one forces a directory dest. */
  sourceCount: number;
  chown?: { uid: number; gid: number };
  chmod?: (mode: number, isDir: boolean) => number;
  /** Keep the source uid/gid (COPY --from); false for the build context (files become 0:0). */
  preserveOwner: boolean;
  /** --parents: keep each match's path relative to the source root below the destination. */
  parents?: boolean;
  instruction: string;
  range?: SourceRange;
};

export type CopyStats = { files: number; dirs: number; bytes: number };

/** Absolute container path of the destination, and whether it must be a directory. */
export function destination(opts: Pick<CopyOptions, 'dest' | 'workdir' | 'sourceCount'>, matches: number, wildcard: boolean): { path: string; isDir: boolean } {
  const d = opts.dest;
  const abs = path.posix.resolve(opts.workdir || '/', d);
  const isDir = d.endsWith('/') || d === '.' || d.endsWith('/.') || opts.sourceCount > 1 || (wildcard && matches > 1);
  return { path: abs, isDir };
}

class Writer {
  private readonly dirs = new Map<string, string>();
  private readonly links = new Map<string, string>();
  private readonly dirTimes: { host: string; atime: Date; mtime: Date }[] = [];
  /** [source, destination] of regular files copied from a stage or image (COPY --from). */
  private readonly capsFrom: [string, string][] = [];
  readonly stats: CopyStats = { files: 0, dirs: 0, bytes: 0 };

  constructor(private readonly o: CopyOptions) {}

  private fail(msg: string): never {
    throw new EngineError(ErrorCodes.INVALID_ARGUMENT, `${this.o.instruction}: ${msg}`, { range: this.o.range });
  }

  /** Host path of a container directory, created (mkdir -p, chowned) when missing. */
  async dir(containerDir: string): Promise<string> {
    const known = this.dirs.get(containerDir);
    if (known) return known;
    const { uid, gid } = this.o.chown ?? { uid: 0, gid: 0 };
    const host = await mkdirAllInRoot(this.o.rootfs, containerDir, 0o755, uid, gid);
    this.dirs.set(containerDir, host);
    return host;
  }

  private owner(st: { uid: number; gid: number }): { uid: number; gid: number } {
    if (this.o.chown) return this.o.chown;
    return this.o.preserveOwner ? { uid: st.uid, gid: st.gid } : { uid: 0, gid: 0 };
  }

  private mode(mode: number, isDir: boolean): number {
    return this.o.chmod ? this.o.chmod(mode & 0o7777, isDir) : mode & 0o7777;
  }

  /** Host path for a new entry at `containerPath`, after removing what it replaces. */
  private async slot(containerPath: string, isDir: boolean): Promise<{ host: string; existed: boolean }> {
    const parent = await this.dir(path.posix.dirname(containerPath));
    const host = path.join(parent, path.posix.basename(containerPath));
    const st = await fs.lstat(host).catch(() => null);
    if (!st) return { host, existed: false };
    if (st.isDirectory()) {
      if (isDir) return { host, existed: true };
      this.fail(`cannot copy a file over the directory ${containerPath}`);
    }
    await fs.rm(host, { force: true });
    return { host, existed: false };
  }

  async entry(e: { stat: CopyEntry['stat']; abs: string }, containerPath: string): Promise<void> {
    const st = e.stat;
    const own = this.owner(st);
    if (st.isDirectory()) {
      const { host, existed } = await this.slot(containerPath, true);
      if (!existed) {
        await fs.mkdir(host);
        await fs.chown(host, own.uid, own.gid);
        await fs.chmod(host, this.mode(st.mode, true));
        this.dirTimes.push({ host, atime: st.atime, mtime: st.mtime });
      }
      this.dirs.set(containerPath, host);
      this.stats.dirs++;
      return;
    }
    const { host } = await this.slot(containerPath, false);
    const inode = `${st.dev}:${st.ino}`;
    if (st.nlink > 1 && !st.isDirectory()) {
      const first = this.links.get(inode);
      if (first) {
        await fs.link(first, host);
        this.stats.files++;
        return;
      }
      this.links.set(inode, host);
    }
    if (st.isSymbolicLink()) {
      await fs.symlink(await fs.readlink(e.abs), host);
      await fs.lchown(host, own.uid, own.gid);
      await fs.lutimes(host, st.atime, st.mtime);
    } else if (st.isFile()) {
      await fs.copyFile(e.abs, host);
      await fs.chown(host, own.uid, own.gid);
      await fs.chmod(host, this.mode(st.mode, false));
      await fs.utimes(host, st.atime, st.mtime);
      if (this.o.preserveOwner) this.capsFrom.push([e.abs, host]);
      this.stats.bytes += st.size;
    } else {
      this.fail(`${e.abs}: only files, directories and symbolic links can be copied`);
    }
    this.stats.files++;
  }

  async inline(f: InlineFile, containerPath: string): Promise<void> {
    const { host } = await this.slot(containerPath, false);
    if (f.file !== undefined) await fs.copyFile(f.file, host);
    else await fs.writeFile(host, f.data);
    const own = this.o.chown ?? { uid: 0, gid: 0 };
    await fs.chown(host, own.uid, own.gid);
    await fs.chmod(host, this.mode(f.mode ?? 0o644, false));
    if (f.mtime) await fs.utimes(host, f.mtime, f.mtime);
    this.stats.files++;
    this.stats.bytes += f.file !== undefined ? f.size : Buffer.byteLength(f.data);
  }

  /**
   * File capabilities of COPY --from files last (chown clears security.capability), as
   * fsutil's copy does with copyXAttrs; then directory mtimes: writing children changed them.
   */
  async finish(): Promise<void> {
    if (this.capsFrom.length) {
      const caps = await readXattrsOf(this.capsFrom.map(([src]) => src), `^${CAPABILITY_XATTR.replace('.', '\\.')}$`);
      for (const [src, host] of this.capsFrom) {
        const hex = caps.get(src)?.get(CAPABILITY_XATTR);
        if (hex) await setXattr(host, CAPABILITY_XATTR, hex);
      }
    }
    for (const d of this.dirTimes.reverse()) await fs.utimes(d.host, d.atime, d.mtime);
  }

  async isDir(containerPath: string): Promise<boolean> {
    const host = await resolveInRoot(this.o.rootfs, containerPath);
    return (await fs.stat(host).catch(() => null))?.isDirectory() ?? false;
  }
}

/** Copies the walked entries (and heredoc files) into the destination rootfs. */
export async function copyEntries(entries: CopyEntry[], matches: SourceMatch[], inline: InlineFile[], opts: CopyOptions): Promise<CopyStats> {
  const wildcard = matches.some((m) => m.wildcard);
  const dest = destination(opts, matches.length + inline.length, wildcard);
  const multi = opts.sourceCount > 1 || (wildcard && matches.length > 1);
  if (multi && !/(^|\/)\.?$/.test(opts.dest) && !opts.dest.endsWith('/')) {
    throw new EngineError(ErrorCodes.INVALID_ARGUMENT, `${opts.instruction}: when using more than one source the destination must be a directory and end with a /`, { range: opts.range });
  }
  const w = new Writer(opts);
  const destIsDir = dest.isDir || (await w.isDir(dest.path));
  const targets = new Map<SourceMatch, string>();
  for (const m of matches) {
    let t: string;
    if (opts.parents) t = path.posix.join(dest.path, m.rel === '.' ? '' : m.rel);
    else if (m.stat.isDirectory()) t = dest.path;
    else t = destIsDir ? path.posix.join(dest.path, path.posix.basename(m.rel === '.' ? m.arg : m.rel)) : dest.path;
    targets.set(m, t);
  }
  for (const e of entries) {
    const base = targets.get(e.match)!;
    const target = e.sub ? path.posix.join(base, e.sub) : base;
    if (e.sub === '' && e.stat.isDirectory() && target === '/') continue;
    if (e.sub === '' && e.stat.isDirectory() && !opts.parents) {
      // The destination directory itself: created with the source dir's metadata when missing
      // (fsutil copyDirectory: os.Mkdir(dst, stat.Mode()) + copyFileInfo). The root of a context
      // or stage is a snapshot root in BuildKit (0755, root), never our host staging dir's 0700.
      if (e.match.rel === '.') await w.dir(target);
      else if (!(await w.isDir(target))) await w.entry(e, target);
      else await w.dir(target);
      continue;
    }
    await w.entry(e, target);
  }
  for (const f of inline) {
    const t = destIsDir ? path.posix.join(dest.path, f.name) : dest.path;
    await w.inline(f, t);
  }
  await w.finish();
  return w.stats;
}
