// The runc bundle of one container run, on its mounted rootfs: the user, the cwd, the /etc
// files, the mount stubs to remove later, and config.json — the executor's spec (oci-spec.ts,
// as for RUN) plus the container's own hostname, env, tty and a CPU quota.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ExecLimits } from '../executor/executor.ts';
import { recordMountStubs, type StubRecord } from '../executor/mount-stubs.ts';
import { buildSpec, defaultMounts, etcMounts, withDefaultEnv } from '../executor/oci-spec.ts';
import { mkdirAllInRoot } from '../executor/scoped-path.ts';
import type { SeccompProfile } from '../executor/seccomp-profile.ts';
import { resolveUser } from '../executor/user-resolver.ts';
import type { ContainerRecord } from './container.ts';

/** The container's cgroup (runc creates it under every controller, and removes it on delete). */
export function cgroupPathFor(id: string): string {
  return `/lab/ctr-${id.slice(0, 24)}`;
}

export async function writeBundle(o: {
  rec: ContainerRecord;
  rootfs: string;
  bundle: string;
  limits: ExecLimits;
  cpus: number;
  seccomp: SeccompProfile;
}): Promise<StubRecord> {
  const { rec, rootfs, bundle } = o;
  const user = await resolveUser(rootfs, rec.user);
  await mkdirAllInRoot(rootfs, rec.workingDir, 0o755, user.uid, user.gid);
  const hostname = rec.id.slice(0, 12);
  const mounts = etcMounts(await writeEtcFiles(bundle, hostname));
  const stubs = await recordMountStubs(rootfs, [...defaultMounts(), ...mounts].map((m) => m.destination));
  const env = [...rec.env];
  if (!env.some((e) => e.startsWith('HOSTNAME='))) env.unshift(`HOSTNAME=${hostname}`);
  if (rec.tty && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
  const spec = buildSpec({
    rootfs, args: rec.args, env: withDefaultEnv(env, user.home), cwd: rec.workingDir, user, hostname, mounts, limits: o.limits,
    cgroupsPath: cgroupPathFor(rec.id), terminal: rec.tty, seccomp: o.seccomp,
  });
  // a busy loop must not take the whole machine (builds only have a wall-clock limit)
  const cpu = { period: 100_000, quota: Math.round(o.cpus * 100_000) };
  await fs.writeFile(path.join(bundle, 'config.json'), JSON.stringify({ ...spec, linux: { ...spec.linux, resources: { ...spec.linux.resources, cpu } } }));
  return stubs;
}

async function writeEtcFiles(bundle: string, hostname: string) {
  const dir = path.join(bundle, 'etc');
  await fs.mkdir(dir, { recursive: true });
  const hosts = path.join(dir, 'hosts');
  const resolvConf = path.join(dir, 'resolv.conf');
  const hostnameFile = path.join(dir, 'hostname');
  await fs.writeFile(hosts, `127.0.0.1\tlocalhost ${hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
  await fs.writeFile(resolvConf, '# no network in lab containers\n');
  await fs.writeFile(hostnameFile, hostname + '\n');
  return { hosts, resolvConf, hostname: hostnameFile };
}
