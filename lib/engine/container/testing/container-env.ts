// Shared setup for the container tests: a temp LAB_ROOT with busybox:latest, the overlay
// snapshotter, a ContainerManager, and the check that nothing is left behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { openEngine, type Engine } from '../../daemon/engine.ts';
import { listContainers, mountsBelow, overlayUnavailableReason, processesRootedIn, runcUnavailableReason } from '../../executor/testing/busybox-rootfs.ts';
import { ContainerManager } from '../container-manager.ts';
import type { TerminalSpawner } from '../container.ts';

/** Why the real-runc container tests cannot run here (undefined: they can). */
export function containersUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (runc, OverlayFS mounts)';
  if (!fs.existsSync('/bin/busybox')) return 'needs busybox-static for the busybox image';
  return runcUnavailableReason() ?? overlayUnavailableReason();
}

export interface ContainerEnv {
  base: string;
  engine: Engine;
  manager: ContainerManager;
  /** No runc container, mount or process of ours is left. */
  assertClean(): void;
  dispose(): Promise<void>;
}

export async function createContainerEnv(name: string, spawnTerminal?: TerminalSpawner): Promise<ContainerEnv> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), `lab-ctr-${name}-`));
  const engine = await openEngine({ root: base, snapshotter: 'overlay' });
  if (engine.builderProblem) throw new Error(engine.builderProblem);
  const manager = new ContainerManager({ dir: engine.containersDir, images: engine.images, snapshotter: engine.snapshotter, spawnTerminal, limits: { timeoutMs: 60_000 } });
  await manager.init();
  return {
    base,
    engine,
    manager,
    assertClean() {
      expect(listContainers(manager.runcRoot)).toEqual([]);
      expect(mountsBelow(base)).toEqual([]);
      expect(processesRootedIn(base)).toEqual([]);
    },
    async dispose() {
      await manager.close();
      for (const mp of mountsBelow(base).reverse()) await import('node:child_process').then((cp) => cp.execFileSync('umount', ['-l', mp], { stdio: 'ignore' }));
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
