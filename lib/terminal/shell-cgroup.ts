// One cgroup per shell: bwrap has no resource limits, so the pty's first process writes its own
// pid into cgroup.procs (see sandbox-args.ts) before exec'ing bwrap; everything inside inherits.
// v1/hybrid (these machines): memory, pids, cpu, freezer controllers. v2: one unified dir.
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../engine/errors.ts';
import type { SandboxLimits } from './terminal.ts';

const ROOT = '/sys/fs/cgroup';
const V1_CONTROLLERS = ['memory', 'pids', 'cpu', 'freezer'] as const;

export function cgroupsAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  if (fs.existsSync(path.join(ROOT, 'cgroup.controllers'))) return true;
  return V1_CONTROLLERS.every((c) => fs.existsSync(path.join(ROOT, c)));
}

export class ShellCgroup {
  readonly dirs: string[];
  private readonly v2: boolean;

  constructor(readonly name: string) {
    this.v2 = fs.existsSync(path.join(ROOT, 'cgroup.controllers'));
    this.dirs = this.v2 ? [path.join(ROOT, 'lab-terminal', name)] : V1_CONTROLLERS.map((c) => path.join(ROOT, c, 'lab-terminal', name));
  }

  /** Create the directories and write the limits. */
  create(limits: SandboxLimits): void {
    if (!cgroupsAvailable()) throw new EngineError('UNAVAILABLE', 'terminal sandbox needs root and cgroups (memory, pids, cpu, freezer) to limit the shell');
    for (const d of this.dirs) fs.mkdirSync(d, { recursive: true });
    const quota = Math.max(1000, Math.round(limits.cpus * 100_000));
    if (this.v2) {
      const d = this.dirs[0]!;
      try { fs.writeFileSync(path.join(ROOT, 'lab-terminal', 'cgroup.subtree_control'), '+memory +pids +cpu'); } catch { /* already */ }
      write(d, 'memory.max', limits.memoryBytes);
      write(d, 'memory.swap.max', 0, true);
      write(d, 'pids.max', limits.pids);
      write(d, 'cpu.max', `${quota} 100000`);
      return;
    }
    const [mem, pids, cpu] = this.dirs as [string, string, string, string];
    write(mem, 'memory.limit_in_bytes', limits.memoryBytes);
    write(mem, 'memory.memsw.limit_in_bytes', limits.memoryBytes, true);
    write(pids, 'pids.max', limits.pids);
    write(cpu, 'cpu.cfs_period_us', 100_000);
    write(cpu, 'cpu.cfs_quota_us', quota);
  }

  /** The cgroup.procs files a process must write its pid into. */
  procsFiles(): string[] {
    return this.dirs.map((d) => path.join(d, 'cgroup.procs'));
  }

  pids(): number[] {
    try {
      return fs.readFileSync(path.join(this.dirs[this.v2 ? 0 : 1]!, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  /** Freeze, SIGKILL everything, thaw: a fork bomb cannot outrun it. */
  async killAll(): Promise<void> {
    if (this.v2) {
      const kill = path.join(this.dirs[0]!, 'cgroup.kill');
      if (fs.existsSync(kill)) write(this.dirs[0]!, 'cgroup.kill', 1, true);
    }
    const freezer = this.v2 ? undefined : this.dirs[3]!;
    for (let i = 0; i < 50; i++) {
      const pids = this.pids();
      if (pids.length === 0) return;
      if (freezer) write(freezer, 'freezer.state', 'FROZEN', true);
      for (const pid of pids) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
      if (freezer) write(freezer, 'freezer.state', 'THAWED', true);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Kill what is left and remove the directories. */
  async destroy(): Promise<void> {
    await this.killAll();
    for (const d of this.dirs) {
      for (let i = 0; i < 50; i++) {
        try {
          fs.rmdirSync(d);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') break;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }
  }
}

function write(dir: string, file: string, value: string | number, optional = false): void {
  try {
    fs.writeFileSync(path.join(dir, file), String(value));
  } catch (err) {
    if (!optional) throw new EngineError('UNAVAILABLE', `cannot set ${file} on the terminal's cgroup: ${(err as Error).message}`, { cause: err });
  }
}

/** At server start: kill and remove shell cgroups whose server process (pid in the name) is gone. */
export async function sweepShellCgroups(): Promise<number> {
  if (!cgroupsAvailable()) return 0;
  const v2 = fs.existsSync(path.join(ROOT, 'cgroup.controllers'));
  const parent = v2 ? path.join(ROOT, 'lab-terminal') : path.join(ROOT, 'pids', 'lab-terminal');
  let names: string[];
  try {
    names = fs.readdirSync(parent, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const owner = Number(/^t(\d+)-/.exec(name)?.[1]);
    if (!owner || pidAlive(owner)) continue;
    await new ShellCgroup(name).destroy();
    removed++;
  }
  return removed;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
