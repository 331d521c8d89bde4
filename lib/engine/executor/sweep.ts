// Start-up sweep: a crashed daemon can leave lab containers (runc state), bundles and
// secret tmpfs mounts behind. Delete every container with our prefix in our runc root and
// every bundle directory, unmounting what is still mounted below it — but only those whose
// owning process (the pid in the id, `lab-<pid>-<random>`) is gone: another live daemon or
// worker on the same state root keeps its running builds.
import fs from 'node:fs/promises';
import path from 'node:path';
import { hostCommand, unmountAllUnder } from './host-command.ts';

/** The pid that created a container id `<prefix><pid>-<random>`; undefined for other forms. */
export function ownerPid(id: string, prefix: string): number | undefined {
  const m = /^(\d+)-/.exec(id.slice(prefix.length));
  return m ? Number(m[1]) : undefined;
}

function ownerAlive(id: string, prefix: string): boolean {
  const pid = ownerPid(id, prefix);
  if (pid === undefined) return false; // ids without an owner come from older versions: leftovers
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function sweepContainers(o: { runc: string; stateRoot: string; containersDir: string; prefix: string }): Promise<{ containers: string[]; bundles: string[] }> {
  const containers: string[] = [];
  const list = await hostCommand(o.runc, ['--root', o.stateRoot, 'list', '--format', 'json']).catch(() => undefined);
  if (list && list.code === 0) {
    let entries: { id: string }[] = [];
    try {
      entries = (JSON.parse(list.stdout || 'null') as { id: string }[] | null) ?? [];
    } catch {
      entries = [];
    }
    for (const e of entries) {
      if (!e.id.startsWith(o.prefix) || ownerAlive(e.id, o.prefix)) continue;
      await hostCommand(o.runc, ['--root', o.stateRoot, 'delete', '-f', e.id]);
      containers.push(e.id);
    }
  }
  const bundles: string[] = [];
  const dirs = await fs.readdir(o.containersDir).catch(() => [] as string[]);
  for (const name of dirs) {
    if (!name.startsWith(o.prefix) || ownerAlive(name, o.prefix)) continue;
    const dir = path.join(o.containersDir, name);
    await unmountAllUnder(dir);
    await fs.rm(dir, { recursive: true, force: true });
    bundles.push(name);
  }
  return { containers, bundles };
}
