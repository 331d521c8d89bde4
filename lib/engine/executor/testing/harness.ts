// Shared setup for the runc tests: a temp dir with a busybox rootfs and an executor, and the
// after-each check that nothing is left behind (containers, mounts, processes, bundles).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { RuncExecutor } from '../runc-executor.ts';
import { listContainers, makeBusyboxRootfs, mountsBelow, processesRootedIn } from './busybox-rootfs.ts';

export interface Harness {
  base: string;
  rootfs: string;
  executor: RuncExecutor;
  /** Assert no container, mount, process or bundle of ours survives. */
  assertClean(): void;
  dispose(): Promise<void>;
}

export function createHarness(name: string): Harness {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), `lab-exec-${name}-`));
  const rootfs = makeBusyboxRootfs(path.join(base, 'rootfs'));
  const executor = new RuncExecutor({ root: path.join(base, 'state'), defaults: { timeoutMs: 30_000 } });
  return {
    base,
    rootfs,
    executor,
    assertClean() {
      expect(listContainers(executor.stateRoot)).toEqual([]);
      expect(mountsBelow(base)).toEqual([]);
      expect(processesRootedIn(base)).toEqual([]);
      const bundles = fs.existsSync(executor.containersDir) ? fs.readdirSync(executor.containersDir) : [];
      expect(bundles).toEqual([]);
    },
    async dispose() {
      await executor.sweep();
      for (const mp of mountsBelow(base).reverse()) execFileSync('umount', ['-l', mp], { stdio: 'ignore' });
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Run and collect output lines; returns the lines or the error. */
export async function runCollect(h: Harness, req: Omit<Parameters<RuncExecutor['run']>[0], 'rootfs'> & { rootfs?: string }) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  try {
    const result = await h.executor.run({ rootfs: h.rootfs, ...req, onStdout: (l) => stdout.push(l), onStderr: (l) => stderr.push(l) });
    return { result, stdout, stderr, error: undefined };
  } catch (error) {
    return { result: undefined, stdout, stderr, error: error as import('../exec-error.ts').ExecError };
  }
}
