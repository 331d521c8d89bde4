// The containers of one namespace: records in <dir>, an OverlayFS mount per running container
// (lowerdirs from the snapshotter's layer cache, upper/ and work/ in the container's dir), one
// `runc run` each (runc state in <dir>/.runc). See container.ts for the lifecycle.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { EngineError } from '../errors.ts';
import { DEFAULT_LIMITS, type ExecLimits } from '../executor/executor.ts';
import { diskUsage } from '../executor/disk-usage.ts';
import { hostCommand } from '../executor/host-command.ts';
import { clampToHost } from '../executor/host-limits.ts';
import { removeMountStubs, type StubRecord } from '../executor/mount-stubs.ts';
import { defaultSeccompProfile } from '../executor/seccomp-profile.ts';
import type { Image } from '../image/image.ts';
import { mountOverlay, unmount, unmountAllUnder } from '../snapshot/mounts.ts';
import type { Snapshotter } from '../snapshot/snapshotter.ts';
import type { LowerDir } from '../layer/upperdir-changes.ts';
import { ownerGone } from '../snapshot/sweep.ts';
import type { AttachOptions, ContainerChange, ContainerRecord, Containers, CreateContainerOptions, TerminalSpawner } from './container.ts';
import { writeBundle } from './container-bundle.ts';
import { processConfig } from './process-config.ts';
import { newContainerId, RecordStore } from './record-store.ts';
import { startRuncProcess, type RuncProcess } from './runc-process.ts';
import { containerChanges } from './upper-changes.ts';

/** What the snapshotter must offer: the overlay one does (overlay-snapshotter.ts). */
interface LowerProvider {
  lowersFor(key: string, parents: { digest: string; diffId: string }[]): Promise<{ cwd: string; lowers: string[]; lowerDirs: LowerDir[] }>;
  unpin(key: string): void;
}

export interface ContainerManagerOptions {
  /** The namespace's containers dir. */
  dir: string;
  images: { get(ref: string): Promise<Image> };
  snapshotter?: Snapshotter;
  spawnTerminal?: TerminalSpawner;
  runc?: string;
  /** Executor limits; for containers: one hour wall-clock, 1 GiB written to the upper dir. */
  limits?: Partial<ExecLimits>;
  /** Running containers at once in this namespace (they run outside the shell's cgroup). Default 4. */
  maxRunning?: number;
  /** CPU time per container, in cores (cfs quota). Default 1. */
  cpus?: number;
}

interface Live {
  attachments: Set<AttachOptions>;
  stdin: Readable[];
  proc?: RuncProcess;
  /** Why it was stopped, when the daemon stopped it (recorded at exit). */
  error?: string;
  exit: Promise<number>;
  resolveExit(code: number): void;
}

export const CONTAINER_TIMEOUT_MS = 60 * 60_000;
export const CONTAINER_DISK_BYTES = 1024 * 1024 * 1024;
const SIGNALS = /^(SIG)?(HUP|INT|QUIT|KILL|USR1|USR2|TERM|STOP|CONT|WINCH)$/;

export class ContainerManager implements Containers {
  readonly store: RecordStore;
  readonly runcRoot: string;
  private readonly runc: string;
  private readonly live = new Map<string, Live>();
  /** Ids between the status check and the spawn: a second start must not mount twice. */
  private readonly starting = new Set<string>();
  private readonly seccomp = defaultSeccompProfile();

  constructor(private readonly opts: ContainerManagerOptions) {
    this.store = new RecordStore(path.resolve(opts.dir));
    this.runcRoot = path.join(this.store.dir, '.runc');
    this.runc = opts.runc ?? 'runc';
  }

  private lowers(): LowerProvider {
    const s = this.opts.snapshotter as (Snapshotter & Partial<LowerProvider>) | undefined;
    if (!s || s.kind !== 'overlay' || !s.lowersFor || !s.unpin) {
      throw new EngineError('FAILED_PRECONDITION', 'docker run needs OverlayFS (the overlay snapshotter): run the daemon as root on a kernel with overlay support');
    }
    return s as LowerProvider;
  }

  async init(): Promise<void> {
    await fs.mkdir(this.runcRoot, { recursive: true, mode: 0o700 });
    for (const rec of await this.store.all()) {
      if (rec.status !== 'running' || !ownerGone(rec.ownerPid ?? 0)) continue;
      // a crashed daemon: its container may still run under an orphaned runc
      await hostCommand(this.runc, ['--root', this.runcRoot, 'kill', rec.id, 'KILL']).catch(() => undefined);
      await hostCommand(this.runc, ['--root', this.runcRoot, 'delete', '-f', rec.id]).catch(() => undefined);
      await unmountAllUnder(this.store.containerDir(rec.id));
      if (rec.autoRemove) {
        await this.store.remove(rec.id);
        continue;
      }
      await this.store.save({ ...rec, status: 'exited', exitCode: 137, finishedAt: new Date().toISOString(), ownerPid: undefined, error: 'the daemon stopped while the container ran' });
    }
  }

  async create(o: CreateContainerOptions): Promise<ContainerRecord> {
    if (o.tty && !this.opts.spawnTerminal) throw new EngineError('FAILED_PRECONDITION', 'this daemon was started without terminal support: run without -t');
    this.lowers();
    const image = await this.opts.images.get(o.image);
    const proc = processConfig(image.config.config, o);
    const diffIds = image.config.rootfs.diff_ids;
    const layers = image.manifest.layers.map((l, i) => ({ digest: l.digest, diffId: diffIds[i] }));
    const rec: ContainerRecord = {
      id: newContainerId(), name: await this.store.pickName(o.name), image: o.image, imageId: image.id, layers,
      ...proc, tty: !!o.tty, openStdin: !!o.openStdin, autoRemove: !!o.autoRemove, created: new Date().toISOString(), status: 'created',
    };
    const dir = this.store.containerDir(rec.id);
    for (const d of ['upper', 'work', 'rootfs', 'bundle']) await fs.mkdir(path.join(dir, d), { recursive: true });
    await this.store.save(rec);
    this.liveFor(rec.id);
    return rec;
  }

  private liveFor(id: string): Live {
    let l = this.live.get(id);
    if (!l) {
      let resolveExit!: (code: number) => void;
      const exit = new Promise<number>((r) => (resolveExit = r));
      l = { attachments: new Set(), stdin: [], exit, resolveExit };
      this.live.set(id, l);
    }
    return l;
  }

  async attach(ref: string, a: AttachOptions): Promise<(o?: { lost?: boolean }) => void> {
    const rec = await this.store.resolve(ref);
    // an exited container: the attachment waits for the next start (docker start -a)
    const l = this.liveFor(rec.id);
    l.attachments.add(a);
    if (a.stdin && rec.openStdin) {
      if (l.proc) pipeStdin(a.stdin, l.proc);
      else l.stdin.push(a.stdin);
    }
    return (o = {}) => {
      if (!l.attachments.delete(a)) return;
      const feeding = [...l.attachments].some((x) => x.stdin);
      if (!o.lost || !a.stdin || !rec.openStdin || feeding || !l.proc) return;
      if (rec.tty) {
        l.error = 'killed: its terminal went away (the docker run -it client ended)';
        void l.proc.kill();
      } else l.proc.endStdin();
    };
  }

  async start(ref: string, size?: { cols: number; rows: number }): Promise<void> {
    const rec = await this.store.resolve(ref);
    if (rec.status === 'running' || this.starting.has(rec.id)) throw new EngineError('FAILED_PRECONDITION', `container ${rec.name} is already running`);
    const max = this.opts.maxRunning ?? 4;
    const running = [...this.live.values()].filter((l) => l.proc).length + this.starting.size;
    if (running >= max) {
      throw new EngineError('FAILED_PRECONDITION', `${running} containers are running already (the limit is ${max}): stop one first (docker ps, then docker rm -f NAME)`);
    }
    this.starting.add(rec.id);
    try {
      await this.startRecord(rec, size);
    } finally {
      this.starting.delete(rec.id);
    }
  }

  private async startRecord(rec: ContainerRecord, size?: { cols: number; rows: number }): Promise<void> {
    const dir = this.store.containerDir(rec.id);
    const rootfs = path.join(dir, 'rootfs');
    const bundle = path.join(dir, 'bundle');
    const provider = this.lowers();
    const { cwd, lowers } = await provider.lowersFor(rec.id, rec.layers);
    // Every option relative to the container's own directory (mount runs there; "L" links to
    // the layer store): `mount` inside the container shows lowerdir=L/l/…,upperdir=upper as
    // Docker's overlay2 shows l/… names, never the host's directory layout.
    await fs.rm(path.join(dir, 'L'), { force: true });
    await fs.symlink(cwd, path.join(dir, 'L'));
    await mountOverlay({ lowers: lowers.map((l) => `L/${l}`), upper: 'upper', work: 'work', target: rootfs, cwd: dir });
    let stubs: StubRecord | undefined;
    const l = this.liveFor(rec.id);
    try {
      const limits = await clampToHost({ ...DEFAULT_LIMITS, timeoutMs: CONTAINER_TIMEOUT_MS, diskBytes: CONTAINER_DISK_BYTES, ...this.opts.limits });
      stubs = await writeBundle({ rec, rootfs, bundle, limits, cpus: this.opts.cpus ?? 1, seccomp: this.seccomp });
      await hostCommand(this.runc, ['--root', this.runcRoot, 'delete', '-f', rec.id]).catch(() => undefined); // an earlier run's state
      const running: ContainerRecord = { ...rec, status: 'running', startedAt: new Date().toISOString(), ownerPid: process.pid, exitCode: undefined, finishedAt: undefined, error: undefined };
      await this.store.save(running);
      const proc = startRuncProcess({
        runc: this.runc, runcRoot: this.runcRoot, bundle, id: rec.id, logFile: path.join(bundle, 'runc.log'), tty: rec.tty, openStdin: rec.openStdin,
        spawnTerminal: this.opts.spawnTerminal, size,
        onOutput: (stream, chunk) => this.deliver(l, stream, chunk),
      });
      l.proc = proc;
      for (const s of l.stdin.splice(0)) pipeStdin(s, proc);
      let error: string | undefined;
      const timer = setTimeout(() => {
        error = `killed after the time limit of ${Math.round(limits.timeoutMs / 60_000)} minutes`;
        void proc.kill();
      }, limits.timeoutMs);
      const watchdog = this.watchDisk(path.join(dir, 'upper'), limits.diskBytes, (used) => {
        error = `killed: it wrote ${Math.round(used / 1048576)} MiB, more than the ${Math.round(limits.diskBytes / 1048576)} MiB a container may write`;
        void proc.kill();
      });
      const stubsAtStart = stubs;
      void proc.exited.then((code) => {
        clearTimeout(timer);
        clearInterval(watchdog);
        return this.finish(running, code, stubsAtStart, error ?? l.error);
      });
    } catch (err) {
      if (stubs) await removeMountStubs(stubs).catch(() => undefined);
      await unmount(rootfs).catch(() => undefined);
      provider.unpin(rec.id);
      throw err;
    }
  }

  /** After the process exited: runc state, stubs, mount; record; --rm; then answer wait(). */
  private async finish(rec: ContainerRecord, exitCode: number, stubs: StubRecord, error?: string): Promise<void> {
    const l = this.liveFor(rec.id);
    try {
      const dir = this.store.containerDir(rec.id);
      await hostCommand(this.runc, ['--root', this.runcRoot, 'delete', '-f', rec.id]).catch(() => undefined);
      await removeMountStubs(stubs).catch(() => undefined);
      await unmountAllUnder(path.join(dir, 'rootfs')).catch(() => undefined);
      this.lowers().unpin(rec.id);
      const latest = await this.store.resolve(rec.id).catch(() => rec);
      if (rec.autoRemove) await this.store.remove(rec.id);
      else await this.store.save({ ...latest, status: 'exited', exitCode, finishedAt: new Date().toISOString(), ownerPid: undefined, error: latest.error ?? error });
    } finally {
      for (const a of l.attachments) a.onEnd?.();
      this.live.delete(rec.id);
      l.resolveExit(exitCode);
    }
  }

  /** Output to every attachment; a congested one pauses the process until it drained. */
  private deliver(l: Live, stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const waits: Promise<void>[] = [];
    for (const a of l.attachments) {
      if (a.onOutput(stream, chunk) === false && a.drain) waits.push(new Promise<void>((r) => a.drain!(r)));
    }
    if (waits.length && l.proc) {
      const proc = l.proc;
      proc.pause();
      void Promise.all(waits).then(() => proc.resume());
    }
  }

  /** Bytes in the upper dir, checked every 2 s (like the executor's RUN watchdog). */
  private watchDisk(upper: string, limit: number, over: (used: number) => void): NodeJS.Timeout | undefined {
    if (!(limit > 0)) return undefined;
    let busy = false;
    let fired = false;
    return setInterval(async () => {
      if (busy || fired) return;
      busy = true;
      const used = await diskUsage(upper, limit).catch(() => 0);
      busy = false;
      if (used > limit) {
        fired = true;
        over(used);
      }
    }, 2000);
  }

  /** docker kill: a signal to the container's first process (pid 1 ignores those it has no handler for). */
  async kill(ref: string, signal = 'KILL'): Promise<void> {
    const rec = await this.store.resolve(ref);
    const sig = signal.toUpperCase();
    if (!SIGNALS.test(sig)) throw new EngineError('INVALID_ARGUMENT', `unknown signal "${signal}": use e.g. TERM, INT or KILL`);
    const l = this.live.get(rec.id);
    if (rec.status !== 'running' || !l?.proc) throw new EngineError('FAILED_PRECONDITION', `container ${rec.name} is not running`);
    if (sig.replace(/^SIG/, '') === 'KILL') return l.proc.kill();
    await hostCommand(this.runc, ['--root', this.runcRoot, 'kill', rec.id, sig.replace(/^SIG/, '')]);
  }

  async resize(ref: string, cols: number, rows: number): Promise<void> {
    const rec = await this.store.resolve(ref);
    this.live.get(rec.id)?.proc?.resize(cols, rows);
  }

  async wait(ref: string, o: { nextExit?: boolean } = {}): Promise<{ exitCode: number }> {
    const rec = await this.store.resolve(ref);
    if (rec.status === 'exited' && !o.nextExit) return { exitCode: rec.exitCode ?? 0 };
    return { exitCode: await this.liveFor(rec.id).exit };
  }

  async list(o: { all?: boolean } = {}): Promise<ContainerRecord[]> {
    const all = await this.store.all();
    return o.all ? all : all.filter((c) => c.status === 'running');
  }

  inspect(ref: string): Promise<ContainerRecord> {
    return this.store.resolve(ref);
  }

  async remove(ref: string, o: { force?: boolean } = {}): Promise<void> {
    const rec = await this.store.resolve(ref);
    const l = this.live.get(rec.id);
    if (rec.status === 'running') {
      if (!o.force) throw new EngineError('FAILED_PRECONDITION', `container ${rec.name} is running: stop it first, or force it with docker rm -f ${rec.name}`);
      if (l?.proc) {
        await this.store.save({ ...rec, error: 'removed with rm -f' });
        await l.proc.kill();
        await l.exit;
      }
    }
    await unmountAllUnder(this.store.containerDir(rec.id)).catch(() => undefined);
    await this.store.remove(rec.id);
    if (l && !l.proc) {
      this.live.delete(rec.id); // not running: release attachments and waiters
      for (const a of l.attachments) a.onEnd?.();
      l.resolveExit(rec.exitCode ?? 0);
    }
  }

  async changes(ref: string): Promise<ContainerChange[]> {
    const rec = await this.store.resolve(ref);
    const key = `diff-${rec.id}-${Math.random().toString(36).slice(2)}`;
    const provider = this.lowers();
    try {
      const { lowerDirs } = await provider.lowersFor(key, rec.layers);
      return await containerChanges(path.join(this.store.containerDir(rec.id), 'upper'), lowerDirs);
    } finally {
      provider.unpin(key);
    }
  }

  async close(): Promise<void> {
    const waits: Promise<number>[] = [];
    for (const l of this.live.values()) {
      if (!l.proc) continue;
      l.error = 'the daemon stopped';
      waits.push(l.exit);
      await l.proc.kill();
    }
    await Promise.all(waits);
  }
}

function pipeStdin(src: Readable, proc: RuncProcess): void {
  src.on('data', (c: Buffer | string) => proc.writeStdin(Buffer.isBuffer(c) ? c : Buffer.from(c)));
  src.on('end', () => proc.endStdin());
  src.on('error', () => proc.endStdin());
}
