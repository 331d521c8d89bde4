// The host's hard rlimits (from /proc/self/limits): runc cannot raise a container's rlimit
// above the hard limit of the process that starts it, so requested limits are clamped.
import fs from 'node:fs/promises';
import type { ExecLimits } from './executor.ts';

let cached: Promise<Record<string, number>> | undefined;

async function hardLimits(): Promise<Record<string, number>> {
  const text = await fs.readFile('/proc/self/limits', 'utf8').catch(() => '');
  const out: Record<string, number> = {};
  for (const line of text.split('\n').slice(1)) {
    const m = /^(.+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (m && /^[0-9]+$/.test(m[3])) out[m[1].trim()] = Number(m[3]);
  }
  return out;
}

export async function clampToHost(limits: ExecLimits): Promise<ExecLimits> {
  cached ??= hardLimits();
  const hard = await cached;
  const clamp = (v: number, key: string) => (hard[key] !== undefined ? Math.min(v, hard[key]) : v);
  return {
    ...limits,
    nofile: clamp(limits.nofile, 'Max open files'),
    nproc: clamp(limits.nproc, 'Max processes'),
    fileSizeBytes: clamp(limits.fileSizeBytes, 'Max file size'),
  };
}
