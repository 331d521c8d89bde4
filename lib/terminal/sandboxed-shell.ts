// One sandboxed bash in a pty: cgroup → /bin/sh joins it → exec bwrap → bash. Owns the disk
// watchdog and the teardown (kill the whole cgroup, remove it and the generated files).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawn, type IPty } from 'node-pty';
import { EngineError } from '../engine/errors.ts';
import { diskUsage } from '../engine/executor/disk-usage.ts';
import { ShellCgroup } from './shell-cgroup.ts';
import { buildSandboxPlan, REPO_DIR, writeSandboxFiles } from './sandbox-args.ts';
import { DEFAULT_LIMITS, type ExitReason, type SandboxLimits, type ShellExit, type ShellOptions } from './terminal.ts';

const DISK_POLL_MS = 2000;

export class SandboxedShell {
  readonly pid: number;
  readonly limits: SandboxLimits;
  readonly exited: Promise<ShellExit>;
  private readonly pty: IPty;
  private readonly cgroup: ShellCgroup;
  private readonly stateDir: string;
  private endReason: ExitReason | undefined;
  private diskTimer: NodeJS.Timeout | undefined;
  private done = false;
  private dataListeners: ((chunk: Buffer) => void)[] = [];

  private constructor(opts: ShellOptions, limits: SandboxLimits, cgroup: ShellCgroup, stateDir: string) {
    this.limits = limits;
    this.cgroup = cgroup;
    this.stateDir = stateDir;
    const plan = buildSandboxPlan({
      stateDir,
      workspaceDir: path.resolve(opts.workspaceDir),
      repoDir: opts.repoDir ?? REPO_DIR,
      daemonSocket: opts.daemonSocket,
      cliDir: opts.cliDir && fs.existsSync(path.join(opts.cliDir, 'lab.mjs')) ? path.resolve(opts.cliDir) : undefined,
      limits,
      cgroupProcs: cgroup.procsFiles(),
      env: opts.env,
    });
    this.pty = spawn(plan.file, plan.args, {
      name: 'xterm-256color',
      cols: opts.cols ?? 80,
      rows: opts.rows ?? 24,
      cwd: '/',
      env: { PATH: '/usr/bin:/bin' },
      encoding: null,
    } as Parameters<typeof spawn>[2]);
    this.pid = this.pty.pid;
    this.pty.onData((d) => {
      const buf = typeof d === 'string' ? Buffer.from(d) : (d as unknown as Buffer);
      for (const l of this.dataListeners) l(buf);
    });
    this.exited = new Promise((resolve) => {
      this.pty.onExit(({ exitCode, signal }) => {
        void this.teardown().then(() => resolve({ code: exitCode, signal: signal || undefined, reason: this.endReason ?? 'exit' }));
      });
    });
    if (limits.diskBytes > 0) this.watchDisk(path.resolve(opts.workspaceDir));
  }

  /** Start a shell. Throws UNAVAILABLE without root/cgroups/bwrap, NOT_FOUND without the workspace. */
  static start(opts: ShellOptions): SandboxedShell {
    if (!fs.existsSync(opts.workspaceDir) || !fs.statSync(opts.workspaceDir).isDirectory()) {
      throw new EngineError('NOT_FOUND', `workspace ${opts.workspaceDir} does not exist`);
    }
    if (!fs.existsSync('/usr/bin/bwrap')) throw new EngineError('UNAVAILABLE', 'the terminal needs bubblewrap: apt-get install bubblewrap');
    if (opts.daemonSocket && !fs.existsSync(opts.daemonSocket)) throw new EngineError('UNAVAILABLE', `no build daemon socket at ${opts.daemonSocket}`);
    const limits = { ...DEFAULT_LIMITS, ...opts.limits };
    if (opts.limits?.diskBytes && !opts.limits.fileSizeBytes) limits.fileSizeBytes = opts.limits.diskBytes;
    const id = `t${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
    const cgroup = new ShellCgroup(id);
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-terminal-'));
    try {
      cgroup.create(limits);
      writeSandboxFiles(stateDir);
      return new SandboxedShell(opts, limits, cgroup, stateDir);
    } catch (err) {
      void cgroup.destroy();
      fs.rmSync(stateDir, { recursive: true, force: true });
      throw err;
    }
  }

  onData(fn: (chunk: Buffer) => void): void {
    this.dataListeners.push(fn);
  }

  write(data: string): void {
    if (!this.done) this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!this.done) this.pty.resize(Math.max(2, Math.min(cols, 1000)), Math.max(1, Math.min(rows, 500)));
  }

  pause(): void {
    if (!this.done) this.pty.pause();
  }

  resume(): void {
    if (!this.done) this.pty.resume();
  }

  /** Processes of this shell (host pids), for tests and diagnostics. */
  processes(): number[] {
    return this.cgroup.pids();
  }

  /** End the shell and everything it started. */
  async kill(reason: ExitReason = 'killed'): Promise<ShellExit> {
    this.endReason ??= reason;
    await this.cgroup.killAll();
    try { this.pty.kill('SIGKILL'); } catch { /* gone */ }
    return this.exited;
  }

  private async teardown(): Promise<void> {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.diskTimer);
    await this.cgroup.destroy();
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }

  // Over the budget, every process except bwrap and bash is killed (the writer dies, the shell
  // stays) and the student is told what to do.
  private watchDisk(dir: string): void {
    const tick = async () => {
      if (this.done) return;
      const t0 = Date.now();
      const used = await diskUsage(dir, this.limits.diskBytes);
      const walkMs = Date.now() - t0;
      if (used > this.limits.diskBytes && !this.done) {
        this.killAllButShell();
        const mib = Math.round(this.limits.diskBytes / 1048576);
        const msg = `\r\n[lab] /workspace is over its ${mib} MiB disk limit: the running command was stopped. Delete files (du -sh * | sort -h) to continue.\r\n`;
        for (const l of this.dataListeners) l(Buffer.from(msg));
      }
      // a big tree is walked less often: at most ~10% of the time spent walking
      if (!this.done) this.diskTimer = setTimeout(tick, Math.max(DISK_POLL_MS, walkMs * 10));
    };
    this.diskTimer = setTimeout(tick, DISK_POLL_MS);
  }

  private killAllButShell(): void {
    const keep = new Set([this.pid]);
    const pids = this.cgroup.pids();
    const ppid = new Map(pids.map((p) => [p, parentOf(p)]));
    // outer bwrap (pty pid) → bwrap init (pid 1 inside) → bash
    let level = [this.pid];
    for (let depth = 0; depth < 2; depth++) {
      level = pids.filter((p) => level.includes(ppid.get(p) ?? -1));
      for (const p of level) keep.add(p);
    }
    for (const p of pids) if (!keep.has(p)) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
  }
}

function parentOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}
