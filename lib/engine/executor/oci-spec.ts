/**
 * The OCI runtime spec (runc's config.json) for one build step, kept apart from running it
 * (BuildKit: executor/oci/spec.go). Defaults follow Docker/containerd: the namespaces, the
 * capability set, masked and read-only /proc paths, the seccomp profile, no-new-privileges.
 */
import type { ExecLimits, ResolvedUser } from './executor.ts';
import { defaultSeccompProfile, type SeccompProfile } from './seccomp-profile.ts';

/** CFS period (Docker's --cpus uses 100 ms); the quota is cpus × period. */
export const CPU_PERIOD_US = 100_000;

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options?: string[];
}

/** Docker's default capability set (moby oci/caps/defaults.go). No CAP_SYS_ADMIN, no NET_ADMIN. */
export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
] as const;

/** Hidden from the container (bind of /dev/null or an empty read-only tmpfs). */
export const MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];

export const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** The mounts every container gets, before the /etc files and RUN --mount mounts. */
export function defaultMounts(): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
  ];
}

/** The generated /etc files, bind-mounted like BuildKit does (writes go to the throw-away copy). */
export function etcMounts(files: { hosts: string; resolvConf: string; hostname: string }): OciMount[] {
  const opts = ['rbind', 'rprivate', 'nosuid', 'nodev'];
  return [
    { destination: '/etc/hosts', type: 'bind', source: files.hosts, options: opts },
    { destination: '/etc/resolv.conf', type: 'bind', source: files.resolvConf, options: opts },
    { destination: '/etc/hostname', type: 'bind', source: files.hostname, options: opts },
  ];
}

export interface SpecInput {
  rootfs: string;
  args: string[];
  env: string[];
  cwd: string;
  user: ResolvedUser;
  hostname: string;
  /** Mounts after the defaults (/etc files, RUN --mount ...), already prepared on the host. */
  mounts: OciMount[];
  limits: ExecLimits;
  /** cgroup path runc creates (absolute: "/lab/<containerId>"). */
  cgroupsPath: string;
  terminal?: boolean;
  seccomp?: SeccompProfile;
}

export type OciSpec = ReturnType<typeof buildSpec>;

export function buildSpec(input: SpecInput) {
  const caps = [...DEFAULT_CAPABILITIES];
  const { limits } = input;
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: input.terminal ?? false,
      user: { uid: input.user.uid, gid: input.user.gid, additionalGids: input.user.additionalGids },
      args: input.args,
      env: input.env,
      cwd: input.cwd,
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      rlimits: [
        { type: 'RLIMIT_NOFILE', hard: limits.nofile, soft: limits.nofile },
        { type: 'RLIMIT_NPROC', hard: limits.nproc, soft: limits.nproc },
        { type: 'RLIMIT_FSIZE', hard: limits.fileSizeBytes, soft: limits.fileSizeBytes },
      ],
      noNewPrivileges: true,
    },
    root: { path: input.rootfs, readonly: false },
    hostname: input.hostname,
    mounts: [...defaultMounts(), ...input.mounts],
    linux: {
      cgroupsPath: input.cgroupsPath,
      resources: {
        devices: [{ allow: false, access: 'rwm' }],
        // swap = memory: no swap on top of the limit (cgroup v1 memsw / v2 swap.max 0)
        memory: { limit: limits.memoryBytes, swap: limits.memoryBytes },
        pids: { limit: limits.pids },
        cpu: { quota: Math.round(limits.cpus * CPU_PERIOD_US), period: CPU_PERIOD_US },
      },
      // no "path": fresh namespaces; the network one has only `lo`
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: MASKED_PATHS,
      readonlyPaths: READONLY_PATHS,
      seccomp: input.seccomp ?? defaultSeccompProfile(),
    },
  };
}

/** Env with Docker's defaults: PATH when unset, HOME from passwd when unset. */
export function withDefaultEnv(env: string[], home: string): string[] {
  const out = [...env];
  const has = (k: string) => out.some((e) => e.startsWith(k + '='));
  if (!has('PATH')) out.unshift('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  if (!has('HOME')) out.push(`HOME=${home || '/'}`);
  return out;
}
