/**
 * The runner: one `runc run --keep` per request, on a spec from oci-spec.ts. Streams output
 * line by line, enforces the wall-clock timeout, the output cap and the disk watchdog, reads
 * the cgroup counters to tell OOM and fork limits apart, and always deletes the container.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError, ErrorCodes } from '../errors.ts';
import { formatBytes, limitError, MAX_CACHE_MOUNT_BYTES } from '../limits.ts';
import { readCounters } from './cgroup-stats.ts';
import { diskUsage } from './disk-usage.ts';
import { describeFailure, ExecError } from './exec-error.ts';
import {
  DEFAULT_LIMITS,
  type ContainerRequest,
  type ContainerResult,
  type ExecFailureReason,
  type ExecLimits,
  type ExecRequest,
  type ExecResult,
  type Executor,
} from './executor.ts';
import { hostCommand, unmountAllUnder } from './host-command.ts';
import { clampToHost } from './host-limits.ts';
import { recordMountStubs, removeMountStubs } from './mount-stubs.ts';
import { buildSpec, defaultMounts, etcMounts, withDefaultEnv } from './oci-spec.ts';
import { OutputCollector } from './output-lines.ts';
import { CacheMounts, prepareRunMounts } from './run-mounts.ts';
import { mkdirAllInRoot } from './scoped-path.ts';
import { defaultSeccompProfile, type SeccompProfile } from './seccomp-profile.ts';
import { resolveUser } from './user-resolver.ts';
import { sweepContainers } from './sweep.ts';
import { weightBuildCgroup } from './cgroup-weight.ts';

export const CONTAINER_PREFIX = 'lab-';
const SIGXFSZ = 25;
const RUNC_FAILED = 'runc run failed: ';
// RLIMIT_FSIZE: killed by SIGXFSZ, or write() fails with EFBIG and the tool says so
const EFBIG = /File too large/;

export interface RuncExecutorOptions {
  /** State dir: containers/ (bundles), runc/ (runc state), cache-mounts/. */
  root: string;
  runc?: string;
  /** Limits used when a request does not set them. */
  defaults?: Partial<ExecLimits>;
  /** Allow 32-bit (x86, x32) syscalls like Docker does; costs ~150 ms per run (seccomp-profile.ts). */
  compat32?: boolean;
  /** Size of each namespace's cache-mount filesystem (0: unlimited, plain dirs). */
  maxCacheMountBytes?: number;
}

interface Outcome {
  containerId: string;
  exitCode?: number;
  reason?: ExecFailureReason;
  runtimeMessage?: string;
  limits: ExecLimits;
  durationMs: number;
  output: OutputCollector;
  command: string;
  /** A lab limit the run hit (reported instead of the exit code). */
  limitError?: EngineError;
}

export class RuncExecutor implements Executor {
  readonly root: string;
  private readonly runc: string;
  private readonly defaults: ExecLimits;
  private readonly caches: CacheMounts;
  private readonly seccomp: SeccompProfile;
  /** Root filesystems in use: two runs on one dir would remove each other's mount stubs. */
  private readonly busyRoots = new Set<string>();

  constructor(opts: RuncExecutorOptions) {
    this.root = path.resolve(opts.root);
    this.runc = opts.runc ?? 'runc';
    this.defaults = { ...DEFAULT_LIMITS, ...opts.defaults };
    this.caches = new CacheMounts(path.join(this.root, 'cache-mounts'), opts.maxCacheMountBytes ?? MAX_CACHE_MOUNT_BYTES);
    this.seccomp = defaultSeccompProfile({ compat32: opts.compat32 });
  }

  get stateRoot(): string {
    return path.join(this.root, 'runc');
  }

  get containersDir(): string {
    return path.join(this.root, 'containers');
  }

  async run(req: ExecRequest): Promise<ExecResult> {
    const o = await this.execute(req);
    if (o.limitError) throw o.limitError;
    if (o.reason) throw this.toError(o);
    return { exitCode: 0, durationMs: o.durationMs, containerId: o.containerId, outputBytes: o.output.bytes, lastLines: o.output.lastLines() };
  }

  async runContainer(req: ContainerRequest): Promise<ContainerResult> {
    const o = await this.execute(req, req.stdin ?? '');
    if (o.reason && o.reason !== 'exit') throw this.toError(o);
    return { exitCode: o.exitCode ?? 0, durationMs: o.durationMs, containerId: o.containerId, truncated: o.output.truncated };
  }

  async sweep(): Promise<{ containers: string[]; bundles: string[] }> {
    await unmountAllUnder(path.join(this.root, 'cache-mounts')).catch(() => undefined); // a crashed daemon's cache filesystems
    await weightBuildCgroup(); // start-up: containers yield the CPU to interactive work (cgroup-weight.ts)
    return sweepContainers({ runc: this.runc, stateRoot: this.stateRoot, containersDir: this.containersDir, prefix: CONTAINER_PREFIX });
  }

  private toError(o: Outcome): ExecError {
    const limitFor: Partial<Record<ExecFailureReason, number>> = {
      timeout: o.limits.timeoutMs, memory: o.limits.memoryBytes, pids: o.limits.pids, output: o.limits.outputBytes,
      disk: o.limits.diskBytes, 'file-size': o.limits.fileSizeBytes,
    };
    const failure = { reason: o.reason!, command: o.command, exitCode: o.exitCode, lastLines: o.output.lastLines() };
    const msg = o.reason === 'runtime' && o.runtimeMessage ? `${o.runtimeMessage} (running "${o.command}")` : describeFailure({ ...failure, limit: limitFor[o.reason!] });
    return new ExecError(failure, msg);
  }

  private async execute(req: ExecRequest, stdin?: ContainerRequest['stdin']): Promise<Outcome> {
    const limits = await clampToHost({ ...this.defaults, ...req.limits });
    const command = req.displayCommand ?? req.args.join(' ');
    const cwd = req.cwd ?? '/';
    if (req.args.length === 0) throw new EngineError(ErrorCodes.INVALID_ARGUMENT, 'nothing to run: the command is empty');
    if (!cwd.startsWith('/')) throw new EngineError(ErrorCodes.INVALID_ARGUMENT, `working directory must be absolute, got "${cwd}"`);
    if (req.signal?.aborted) {
      throw new ExecError({ reason: 'cancelled', command, lastLines: [] }, describeFailure({ reason: 'cancelled', command, lastLines: [] }));
    }
    const rootSt = await fs.stat(req.rootfs).catch(() => undefined);
    if (!rootSt?.isDirectory()) throw new EngineError(ErrorCodes.NOT_FOUND, `root filesystem ${req.rootfs} does not exist`);

    const rootKey = path.resolve(req.rootfs);
    if (this.busyRoots.has(rootKey)) {
      throw new EngineError(ErrorCodes.FAILED_PRECONDITION, `another container is already running on ${req.rootfs}: give each run its own snapshot`);
    }
    this.busyRoots.add(rootKey);
    try {
      return await this.executeOnRoot(req, stdin, limits, command, cwd);
    } finally {
      this.busyRoots.delete(rootKey);
    }
  }

  private async executeOnRoot(req: ExecRequest, stdin: ContainerRequest['stdin'], limits: ExecLimits, command: string, cwd: string): Promise<Outcome> {
    const user = await resolveUser(req.rootfs, req.user);
    const containerId = `${CONTAINER_PREFIX}${process.pid}-${crypto.randomBytes(8).toString('hex')}`; // owner pid: see sweep.ts
    const workDir = path.join(this.containersDir, containerId);
    const cgroupsPath = `/lab/${containerId}`;
    await fs.mkdir(workDir, { recursive: true, mode: 0o700 });
    await fs.mkdir(this.stateRoot, { recursive: true, mode: 0o700 });

    let prepared: Awaited<ReturnType<typeof prepareRunMounts>> | undefined;
    let stubs: Awaited<ReturnType<typeof recordMountStubs>> | undefined;
    let started = false;
    try {
      // BuildKit creates a missing cwd (owned by the user); it is part of the layer, not a stub.
      await mkdirAllInRoot(req.rootfs, cwd, 0o755, user.uid, user.gid);
      const hostname = req.hostname ?? 'buildkitsandbox';
      const etc = await writeEtcFiles(workDir, hostname);
      prepared = await prepareRunMounts(req.mounts ?? [], { workDir, caches: this.caches, secrets: req.secrets ?? {}, cacheScope: req.cacheScope });
      const mounts = [...etcMounts(etc), ...prepared.mounts];
      stubs = await recordMountStubs(req.rootfs, [...defaultMounts(), ...mounts].map((m) => m.destination));
      const spec = buildSpec({
        rootfs: req.rootfs, args: req.args, env: withDefaultEnv([...(req.env ?? []), ...prepared.env], user.home), cwd, user, hostname,
        mounts, limits, cgroupsPath, seccomp: this.seccomp,
      });
      await fs.writeFile(path.join(workDir, 'config.json'), JSON.stringify(spec));
      started = true;
      const outcome = await this.spawnRunc(req, { containerId, workDir, cgroupsPath, limits, command, stdin });
      if (outcome.reason === 'exit' && (await prepared.cacheOverQuota())) {
        outcome.limitError = limitError(
          `RUN --mount=type=cache: the cache mounts of this namespace are full (running "${command}")`,
          formatBytes(this.caches.maxBytes), 'LAB_MAX_CACHE_MOUNT_BYTES', 'they have been emptied; build again, or cache less');
      }
      return outcome;
    } finally {
      if (started) await hostCommand(this.runc, ['--root', this.stateRoot, 'delete', '-f', containerId]).catch(() => undefined);
      await prepared?.cleanup().catch(() => undefined);
      if (stubs) await removeMountStubs(stubs).catch(() => undefined);
      await unmountAllUnder(workDir).catch(() => undefined);
      await fs.rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private spawnRunc(
    req: ExecRequest,
    c: { containerId: string; workDir: string; cgroupsPath: string; limits: ExecLimits; command: string; stdin?: ContainerRequest['stdin'] },
  ): Promise<Outcome> {
    const t0 = performance.now();
    const args = ['--root', this.stateRoot, '--log', path.join(c.workDir, 'runc.log'), '--log-format', 'json',
      'run', '--keep', '--bundle', c.workDir, c.containerId];
    const child = spawn(this.runc, args, { stdio: [c.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let killReason: ExecFailureReason | undefined;
    let exited = false;
    const kill = (reason: ExecFailureReason) => {
      if (killReason || exited) return;
      killReason = reason;
      void this.killContainer(c.containerId, () => exited, child);
    };
    const output = new OutputCollector(c.limits.outputBytes, () => kill('output'));
    const out = output.stream(req.onStdout);
    const err = output.stream(req.onStderr);
    child.stdout!.on('data', (d: Buffer) => out.write(d));
    child.stderr!.on('data', (d: Buffer) => {
      // runc's own start-up failure is reported from its log instead
      if (d.toString('utf8').startsWith(RUNC_FAILED)) return;
      err.write(d);
    });
    if (c.stdin !== undefined && child.stdin) feedStdin(child.stdin, c.stdin);

    const timers: NodeJS.Timeout[] = [];
    timers.push(setTimeout(() => kill('timeout'), c.limits.timeoutMs));
    const onAbort = () => kill('cancelled');
    req.signal?.addEventListener('abort', onAbort);
    if (req.signal?.aborted) kill('cancelled');
    let pidsStreak = 0;
    let diskBase: number | undefined;
    let lastWalkAt = 0;
    let lastWalkMs = 0;
    let polling = false;
    timers.push(setInterval(async () => {
      if (polling || exited) return;
      polling = true;
      try {
        // Reaching the pids limit fails the step (forks were refused: a fork bomb or a runaway
        // loop), without waiting for the timeout; one more poll lets a normal exit win the race.
        const cnt = await readCounters(c.cgroupsPath);
        pidsStreak = cnt.pidsRefused > 0 ? pidsStreak + 1 : 0;
        if (pidsStreak >= 2) kill('pids');
        if (c.limits.diskBytes > 0 && req.writableDir) {
          // walking a big upperdir costs: keep the watchdog under ~10% of the time
          if (performance.now() - lastWalkAt >= Math.max(500, 10 * lastWalkMs)) {
            const w0 = performance.now();
            const used = await diskUsage(req.writableDir, (diskBase ?? 0) + c.limits.diskBytes);
            lastWalkAt = performance.now();
            lastWalkMs = lastWalkAt - w0;
            diskBase ??= used;
            if (used - diskBase > c.limits.diskBytes) kill('disk');
          }
        }
      } finally {
        polling = false;
      }
    }, 500));
    if (c.limits.diskBytes > 0 && req.writableDir) {
      void diskUsage(req.writableDir).then((u) => (diskBase ??= u));
    }

    return new Promise<Outcome>((resolve, reject) => {
      child.on('error', (e) => {
        exited = true;
        timers.forEach(clearTimeout);
        reject(new EngineError(ErrorCodes.UNAVAILABLE, `cannot start runc (${this.runc}): ${e.message}. Is the runc package installed?`, { cause: e }));
      });
      child.on('close', async (code, signal) => {
        exited = true;
        timers.forEach((t) => clearTimeout(t));
        req.signal?.removeEventListener('abort', onAbort);
        out.end();
        err.end();
        const exitCode = code ?? 128 + (signal ? signalNumber(signal) : 0);
        const counters = await readCounters(c.cgroupsPath);
        const runtimeMessage = await readRuncError(path.join(c.workDir, 'runc.log'));
        let reason: ExecFailureReason | undefined = killReason;
        if (!reason && exitCode !== 0) {
          // a refused fork usually makes the shell exit with its own code ("can't fork"): still pids
          if (counters.oomKills > 0) reason = 'memory';
          else if (counters.pidsRefused > 0) reason = 'pids';
          else if (runtimeMessage) reason = 'runtime';
          else if (exitCode === 128 + SIGXFSZ || output.lastLines().some((l) => EFBIG.test(l))) reason = 'file-size';
          else reason = 'exit';
        }
        if (reason === 'timeout' && counters.pidsRefused > 0) reason = 'pids';
        resolve({ containerId: c.containerId, exitCode, reason, runtimeMessage, limits: c.limits, durationMs: performance.now() - t0, output, command: c.command });
      });
    });
  }

  /** SIGKILL the container's init (the pid namespace takes the rest along); runc may not be up yet. */
  private async killContainer(id: string, exited: () => boolean, child: ReturnType<typeof spawn>): Promise<void> {
    for (let i = 0; i < 40 && !exited(); i++) {
      const r = await hostCommand(this.runc, ['--root', this.stateRoot, 'kill', id, 'KILL']).catch(() => undefined);
      if (r?.code === 0) return;
      await new Promise((res) => setTimeout(res, 50));
    }
    if (!exited()) child.kill('SIGKILL');
  }
}

async function writeEtcFiles(workDir: string, hostname: string) {
  const dir = path.join(workDir, 'etc');
  await fs.mkdir(dir, { recursive: true });
  const hosts = path.join(dir, 'hosts');
  const resolvConf = path.join(dir, 'resolv.conf');
  const hostnameFile = path.join(dir, 'hostname');
  await fs.writeFile(hosts, `127.0.0.1\tlocalhost ${hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`, { mode: 0o644 });
  // no network in a build step: no name servers
  await fs.writeFile(resolvConf, '# no network in this build step\n', { mode: 0o644 });
  await fs.writeFile(hostnameFile, hostname + '\n', { mode: 0o644 });
  return { hosts, resolvConf, hostname: hostnameFile };
}

async function readRuncError(logFile: string): Promise<string | undefined> {
  const text = await fs.readFile(logFile, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    try {
      const rec = JSON.parse(line) as { level?: string; msg?: string };
      if (rec.level === 'error' && rec.msg?.startsWith(RUNC_FAILED)) return rec.msg.slice(RUNC_FAILED.length);
    } catch {
      // not JSON
    }
  }
  return undefined;
}

function feedStdin(sink: NodeJS.WritableStream, src: NonNullable<ContainerRequest['stdin']>): void {
  sink.on('error', () => undefined); // the process may exit without reading
  if (typeof src === 'string' || Buffer.isBuffer(src)) sink.end(src);
  else src.pipe(sink);
}

function signalNumber(sig: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGXFSZ: 25 };
  return table[sig] ?? 0;
}
