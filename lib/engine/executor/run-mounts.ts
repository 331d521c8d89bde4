// RUN --mount: host-side preparation of cache, secret, tmpfs and bind mounts, and undoing it.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError, ErrorCodes } from '../errors.ts';
import type { RunMount } from './executor.ts';
import { hostCommand, unmountAllUnder } from './host-command.ts';
import type { OciMount } from './oci-spec.ts';
import { makeQuotaImage, mountQuotaImage, quotaDir, quotaFull } from './quota-fs.ts';

const DEFAULT_TMPFS = 64 * 1024 * 1024;

/**
 * Cache mounts live in <cacheRoot>/<scope>/<sha256(id)>/<instance>: the scope is the
 * namespace (student) whose build runs, so `id=pip` of two students are two directories
 * (BuildKit keys cache mounts per builder; a shared lab must key them per student). "shared": one instance used by
 * all runs at once; "locked": one instance, runs wait for each other; "private": a run
 * takes a free instance or creates a new one. Locks are per process (one daemon per root).
 */
export class CacheMounts {
  private readonly inUse = new Set<string>();
  private readonly locks = new Map<string, Promise<void>>();
  /** Mounted scope filesystems: runs using each, and the queue of mount/unmount work. */
  private readonly scopes = new Map<string, { users: number; discard: boolean }>();
  private scopeQueue: Promise<unknown> = Promise.resolve();

  /** `maxBytes` > 0: each scope's caches share one filesystem of that size (quota-fs.ts). */
  constructor(readonly cacheRoot: string, readonly maxBytes = 0) {}

  dirFor(id: string, scope = 'default'): string {
    return path.join(this.scopeDir(scope), crypto.createHash('sha256').update(id).digest('hex').slice(0, 32));
  }

  private scopeDir(scope: string): string {
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(scope)) throw new EngineError(ErrorCodes.INVALID_INPUT, `cache scope "${scope}" is not a namespace name`);
    return path.join(this.cacheRoot, scope);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.scopeQueue.then(fn, fn);
    this.scopeQueue = p.catch(() => undefined);
    return p;
  }

  /** Mounts the scope's filesystem for one more user (made on first use, remade when broken). */
  private enterScope(scope: string): Promise<void> {
    return this.serial(async () => {
      const st = this.scopes.get(scope);
      if (st) return void st.users++;
      if (this.maxBytes > 0) {
        const dir = this.scopeDir(scope);
        const img = `${dir}.img`;
        await fs.mkdir(this.cacheRoot, { recursive: true, mode: 0o700 });
        const exists = await fs.access(img).then(() => true, () => false);
        if (!exists) await makeQuotaImage(img, this.maxBytes);
        await mountQuotaImage(img, dir).catch(async () => {
          await quotaDir(img, dir, this.maxBytes); // an image a crash left unusable: start empty
        });
      }
      this.scopes.set(scope, { users: 1, discard: false });
    });
  }

  private leaveScope(scope: string): Promise<void> {
    return this.serial(async () => {
      const st = this.scopes.get(scope);
      if (!st || --st.users > 0) return;
      this.scopes.delete(scope);
      if (this.maxBytes > 0) {
        const dir = this.scopeDir(scope);
        await unmountAllUnder(dir);
        if (st.discard) await fs.rm(`${dir}.img`, { force: true });
      }
    });
  }

  /** After a failed run: when the scope's filesystem is full, it is emptied at the last release. */
  async overQuota(scope = 'default'): Promise<boolean> {
    if (this.maxBytes <= 0 || !(await quotaFull(this.scopeDir(scope), this.maxBytes))) return false;
    const st = this.scopes.get(scope);
    if (st) st.discard = true;
    return true;
  }

  async acquire(m: Extract<RunMount, { type: 'cache' }>, scope?: string): Promise<{ source: string; release: () => void | Promise<void> }> {
    await this.enterScope(scope ?? 'default');
    const base = this.dirFor(m.id ?? m.target, scope);
    const leave = () => this.leaveScope(scope ?? 'default').catch(() => undefined);
    const sharing = m.sharing ?? 'shared';
    let instance = 'shared';
    let release: () => void | Promise<void> = () => {};
    if (sharing === 'locked') {
      const prev = this.locks.get(base) ?? Promise.resolve();
      let done!: () => void;
      const mine = new Promise<void>((r) => (done = r));
      const chained = prev.then(() => mine);
      this.locks.set(base, chained);
      await prev;
      release = () => {
        done();
        if (this.locks.get(base) === chained) this.locks.delete(base);
      };
    } else if (sharing === 'private') {
      let n = 0;
      while (this.inUse.has(path.join(base, instance))) instance = `private-${++n}`;
      const key = path.join(base, instance);
      this.inUse.add(key);
      release = () => void this.inUse.delete(key);
    }
    const source = path.join(base, instance);
    const releaseRun = release;
    release = () => {
      releaseRun();
      return leave();
    };
    try {
      await fs.mkdir(source, { recursive: false });
      await fs.chmod(source, m.mode ?? 0o755);
      await fs.chown(source, m.uid ?? 0, m.gid ?? 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        await fs.mkdir(base, { recursive: true, mode: 0o700 });
        await fs.mkdir(source, { mode: m.mode ?? 0o755 });
        await fs.chmod(source, m.mode ?? 0o755);
        await fs.chown(source, m.uid ?? 0, m.gid ?? 0);
      } else if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        await release();
        throw err;
      }
    }
    return { source, release };
  }
}

export interface PreparedMounts {
  mounts: OciMount[];
  /** "NAME=value" entries from secrets with env=NAME. */
  env: string[];
  cleanup: () => Promise<void>;
  /** After a failed run: did it fill the namespace's cache filesystem? (It is then emptied.) */
  cacheOverQuota: () => Promise<boolean>;
}

/** Prepare run mounts in `workDir` (the container's private dir). */
export async function prepareRunMounts(
  runMounts: RunMount[],
  ctx: { workDir: string; caches: CacheMounts; secrets: Record<string, Buffer | string>; cacheScope?: string },
): Promise<PreparedMounts> {
  const mounts: OciMount[] = [];
  const env: string[] = [];
  const releases: (() => void | Promise<void>)[] = [];
  let usesCache = false;
  let secretDir: string | undefined;
  const cleanup = async () => {
    for (const r of releases.splice(0)) await r();
    if (secretDir) await unmountAllUnder(secretDir);
  };
  try {
    let n = 0;
    for (const m of runMounts) {
      n++;
      const target = m.type === 'secret' ? (m.target ?? `/run/secrets/${m.id}`) : m.target;
      if (!target.startsWith('/')) {
        throw new EngineError(ErrorCodes.INVALID_ARGUMENT, `RUN --mount target must be an absolute path, got "${target}"`);
      }
      if (m.type === 'cache') {
        const { source, release } = await ctx.caches.acquire(m, ctx.cacheScope);
        releases.push(release);
        usesCache = true;
        mounts.push({ destination: target, type: 'bind', source, options: ['rbind', 'rprivate', 'nosuid', 'nodev', m.readonly ? 'ro' : 'rw'] });
      } else if (m.type === 'tmpfs') {
        mounts.push({ destination: target, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', `size=${m.size ?? DEFAULT_TMPFS}`] });
      } else if (m.type === 'secret') {
        const value = ctx.secrets[m.id];
        if (value === undefined) {
          if (m.required) {
            throw new EngineError(ErrorCodes.INVALID_ARGUMENT, `secret ${m.id} not found: pass it with --secret id=${m.id},src=FILE`);
          }
          continue;
        }
        if (m.env !== undefined) {
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(m.env)) {
            throw new EngineError(ErrorCodes.INVALID_ARGUMENT, `RUN --mount=type=secret: env=${m.env} is not a valid variable name`);
          }
          env.push(`${m.env}=${Buffer.isBuffer(value) ? value.toString('utf8') : value}`);
          if (m.target === undefined) continue;
        }
        if (!secretDir) {
          // a small tmpfs: secret bytes never touch a disk, let alone the rootfs
          secretDir = path.join(ctx.workDir, 'secrets');
          await fs.mkdir(secretDir, { mode: 0o700 });
          const r = await hostCommand('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700,nosuid,nodev,noexec', 'tmpfs', secretDir]);
          if (r.code !== 0) throw new EngineError(ErrorCodes.INTERNAL, `cannot mount a tmpfs for secrets: ${r.stderr.trim()}`);
        }
        const file = path.join(secretDir, `s${n}`);
        await fs.writeFile(file, value, { mode: m.mode ?? 0o400 });
        await fs.chmod(file, m.mode ?? 0o400);
        await fs.chown(file, m.uid ?? 0, m.gid ?? 0);
        mounts.push({ destination: target, type: 'bind', source: file, options: ['rbind', 'rprivate', 'ro', 'nosuid', 'nodev', 'noexec'] });
      } else if (m.type === 'bind') {
        const st = await fs.stat(m.source).catch(() => undefined);
        if (!st) throw new EngineError(ErrorCodes.NOT_FOUND, `RUN --mount=type=bind: source ${m.source} does not exist`);
        if (m.readonly === false && st.isDirectory()) {
          // writable but throw-away: an overlay inside the container's mount namespace
          const base = path.join(ctx.workDir, `bind${n}`);
          await fs.mkdir(path.join(base, 'upper'), { recursive: true });
          await fs.mkdir(path.join(base, 'work'), { recursive: true });
          mounts.push({
            destination: target,
            type: 'overlay',
            source: 'overlay',
            options: [`lowerdir=${m.source}`, `upperdir=${path.join(base, 'upper')}`, `workdir=${path.join(base, 'work')}`],
          });
        } else if (m.readonly === false) {
          const copy = path.join(ctx.workDir, `bind${n}`);
          await fs.copyFile(m.source, copy);
          mounts.push({ destination: target, type: 'bind', source: copy, options: ['rbind', 'rprivate', 'rw'] });
        } else {
          mounts.push({ destination: target, type: 'bind', source: m.source, options: ['rbind', 'rprivate', 'ro'] });
        }
      }
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { mounts, env, cleanup, cacheOverQuota: async () => usesCache && ctx.caches.overQuota(ctx.cacheScope) };
}
