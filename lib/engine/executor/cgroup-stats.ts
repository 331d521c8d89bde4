// Reads what the kernel counted in a container's cgroup before `runc delete` removes it:
// OOM kills (memory limit hit) and refused forks (pids limit hit). cgroup v1 (also the
// hybrid layout these machines use: v1 controllers + an empty unified tree) and pure v2.
import fs from 'node:fs/promises';
import path from 'node:path';

export type CgroupMode = 'v1' | 'v2';

const CGROUP_ROOT = '/sys/fs/cgroup';

let cachedMode: Promise<CgroupMode> | undefined;

/** v2 when /sys/fs/cgroup itself is the unified hierarchy, v1 otherwise (incl. hybrid). */
export function cgroupMode(): Promise<CgroupMode> {
  cachedMode ??= fs
    .access(path.join(CGROUP_ROOT, 'cgroup.controllers'))
    .then(() => 'v2' as const)
    .catch(() => 'v1' as const);
  return cachedMode;
}

export interface CgroupCounters {
  oomKills: number;
  pidsRefused: number;
  memoryFailcnt: number;
  /** Processes in the cgroup right now. */
  pidsCurrent: number;
}

/** Counters of the cgroup runc made for `cgroupsPath` (absolute, e.g. "/lab/<id>"). */
export async function readCounters(cgroupsPath: string): Promise<CgroupCounters> {
  const rel = cgroupsPath.replace(/^\/+/, '');
  if ((await cgroupMode()) === 'v2') {
    const dir = path.join(CGROUP_ROOT, rel);
    const mem = parseKeyed(await readOr(path.join(dir, 'memory.events')));
    const pids = parseKeyed(await readOr(path.join(dir, 'pids.events')));
    const current = Number((await readOr(path.join(dir, 'pids.current'))).trim() || 0);
    return { oomKills: mem.oom_kill ?? 0, pidsRefused: pids.max ?? 0, memoryFailcnt: mem.max ?? 0, pidsCurrent: current };
  }
  const oom = parseKeyed(await readOr(path.join(CGROUP_ROOT, 'memory', rel, 'memory.oom_control')));
  const pids = parseKeyed(await readOr(path.join(CGROUP_ROOT, 'pids', rel, 'pids.events')));
  const failcnt = Number((await readOr(path.join(CGROUP_ROOT, 'memory', rel, 'memory.failcnt'))).trim() || 0);
  const current = Number((await readOr(path.join(CGROUP_ROOT, 'pids', rel, 'pids.current'))).trim() || 0);
  return { oomKills: oom.oom_kill ?? 0, pidsRefused: pids.max ?? 0, memoryFailcnt: failcnt, pidsCurrent: current };
}

/** The effective limits as the kernel sees them (tests use this to prove they apply). */
export async function readLimits(cgroupsPath: string): Promise<{ memory?: number; pids?: number }> {
  const rel = cgroupsPath.replace(/^\/+/, '');
  const num = (s: string) => (s.trim() === '' || s.trim() === 'max' ? undefined : Number(s.trim()));
  if ((await cgroupMode()) === 'v2') {
    const dir = path.join(CGROUP_ROOT, rel);
    return { memory: num(await readOr(path.join(dir, 'memory.max'))), pids: num(await readOr(path.join(dir, 'pids.max'))) };
  }
  return {
    memory: num(await readOr(path.join(CGROUP_ROOT, 'memory', rel, 'memory.limit_in_bytes'))),
    pids: num(await readOr(path.join(CGROUP_ROOT, 'pids', rel, 'pids.max'))),
  };
}

function parseKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^[0-9]+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

async function readOr(p: string): Promise<string> {
  try {
    return await fs.readFile(p, 'utf8');
  } catch {
    return '';
  }
}
