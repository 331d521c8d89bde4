// Builds are batch work; a student typing is not. Every container the engine starts (RUN steps,
// `docker run`) lives under the /lab cgroup, and that parent gets a sixteenth of the default CPU
// weight, so when thirty builds saturate the machine the shells (their own /lab-terminal
// cgroups, default weight) and the web server still get the CPU first. Weights only matter
// under contention: an idle machine gives a lone build all of it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { cgroupMode } from './cgroup-stats.ts';

const CGROUP_ROOT = '/sys/fs/cgroup';
/** cgroup v1 cpu.shares (default 1024) and v2 cpu.weight (default 100) of the /lab parent. */
export const BUILD_CPU_SHARES = 64;
export const BUILD_CPU_WEIGHT = 6;

/**
 * Creates the parent cgroup of the engine's containers and lowers its CPU weight (64 of 1024 on v1,
 * 6 of 100 on v2: measured with bench/terminal-load.ts, see its history). Best effort:
 * returns what was written, or why not (not root, no cpu controller).
 */
export async function weightBuildCgroup(parent = 'lab', root = CGROUP_ROOT): Promise<{ file?: string; value?: number; problem?: string }> {
  try {
    if ((await cgroupMode()) === 'v1') {
      const dir = path.join(root, 'cpu', parent);
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, 'cpu.shares'), String(BUILD_CPU_SHARES));
      return { file: path.join(dir, 'cpu.shares'), value: BUILD_CPU_SHARES };
    }
    // v2: the cpu controller must be enabled for the root's children first
    await fs.writeFile(path.join(root, 'cgroup.subtree_control'), '+cpu').catch(() => undefined);
    const dir = path.join(root, parent);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'cpu.weight'), String(BUILD_CPU_WEIGHT));
    return { file: path.join(dir, 'cpu.weight'), value: BUILD_CPU_WEIGHT };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}
