// One build worker process per $LAB_ROOT: opening the engine sweeps every leftover mount and
// runc container under the root, which would destroy a second live worker's builds. The lock
// is a pid file; a file whose process is gone (kill -9) is stale and taken over.
import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../lib/engine/errors.ts';
import { processAlive } from '../lib/engine/process-alive.ts';

/** Takes $root/worker.pid for this process; FAILED_PRECONDITION when another live process holds it. */
export async function lockWorkerRoot(root: string): Promise<{ release(): Promise<void> }> {
  await fs.mkdir(root, { recursive: true });
  const file = path.join(root, 'worker.pid');
  for (let tries = 0; tries < 3; tries++) {
    try {
      await fs.writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return { release: () => release(file) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(await fs.readFile(file, 'utf8').catch(() => ''), 10);
    if (holder === process.pid) return { release: () => release(file) };
    if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
      throw new EngineError(
        'FAILED_PRECONDITION',
        `another build worker (pid ${holder}) already uses ${root}: run more builds in that one (LAB_WORKER_CONCURRENCY=N) or give this worker its own LAB_ROOT`,
      );
    }
    await fs.rm(file, { force: true }); // stale: its process died
  }
  throw new EngineError('UNAVAILABLE', `could not take ${file}; remove it if no worker is running`);
}

async function release(file: string): Promise<void> {
  const holder = Number.parseInt(await fs.readFile(file, 'utf8').catch(() => ''), 10);
  if (holder === process.pid) await fs.rm(file, { force: true });
}
