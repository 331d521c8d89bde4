import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from './executor.ts';
import { buildSpec, withDefaultEnv } from './oci-spec.ts';
import { ALLOWED_SYSCALLS, BLOCKED_EXAMPLES, defaultSeccompProfile } from './seccomp-profile.ts';

const base = {
  rootfs: '/r', args: ['/bin/sh', '-c', 'echo "a  b"'], env: ['A=1'], cwd: '/app',
  user: { uid: 1000, gid: 1001, additionalGids: [50], home: '/home/app' }, hostname: 'h',
  mounts: [{ destination: '/run/secrets/x', type: 'bind', source: '/s', options: ['ro'] }],
  limits: { ...DEFAULT_LIMITS, pids: 77, memoryBytes: 1 << 26 }, cgroupsPath: '/lab/x',
};
const spec = buildSpec(base);

describe('buildSpec', () => {
  it('passes argv, env, cwd and user verbatim', () => {
    expect(spec.process.args).toEqual(['/bin/sh', '-c', 'echo "a  b"']);
    expect(spec.process.env).toEqual(['A=1']);
    expect(spec.process.cwd).toBe('/app');
    expect(spec.process.user).toEqual({ uid: 1000, gid: 1001, additionalGids: [50] });
  });

  it('isolates: new pid/net/ipc/uts/mount namespaces without a path, no-new-privileges', () => {
    expect(spec.linux.namespaces.map((n) => n.type).sort()).toEqual(['ipc', 'mount', 'network', 'pid', 'uts']);
    expect(spec.linux.namespaces.every((n) => !('path' in n))).toBe(true);
    expect(spec.process.noNewPrivileges).toBe(true);
    expect(spec.process.terminal).toBe(false);
  });

  it("uses Docker's capability set: no SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE", () => {
    const caps = spec.process.capabilities.bounding;
    expect(caps).toContain('CAP_CHOWN');
    expect(caps).toContain('CAP_SETUID');
    for (const c of ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN', 'CAP_SYS_PTRACE', 'CAP_SYS_MODULE', 'CAP_DAC_READ_SEARCH']) {
      expect(caps).not.toContain(c);
    }
    expect(caps).toHaveLength(14);
  });

  it('sets cgroup limits with no extra swap, rlimits, masked and read-only paths', () => {
    expect(spec.linux.resources.pids.limit).toBe(77);
    expect(spec.linux.resources.memory).toEqual({ limit: 1 << 26, swap: 1 << 26 });
    // Docker's --cpus=N: quota = N × the 100 ms period (default 1 CPU, LAB_RUN_CPUS)
    expect(spec.linux.resources.cpu).toEqual({ quota: DEFAULT_LIMITS.cpus * 100_000, period: 100_000 });
    expect(buildSpec({ ...base, limits: { ...base.limits, cpus: 1.5 } }).linux.resources.cpu.quota).toBe(150_000);
    expect(spec.linux.cgroupsPath).toBe('/lab/x');
    expect(spec.process.rlimits.map((r) => r.type).sort()).toEqual(['RLIMIT_FSIZE', 'RLIMIT_NOFILE', 'RLIMIT_NPROC']);
    expect(spec.linux.maskedPaths).toContain('/proc/kcore');
    expect(spec.linux.readonlyPaths).toContain('/proc/sys');
  });

  it('puts default mounts first and caller mounts after them', () => {
    const dests = spec.mounts.map((m) => m.destination);
    expect(dests.slice(0, 2)).toEqual(['/proc', '/dev']);
    expect(dests.at(-1)).toBe('/run/secrets/x');
    expect(spec.mounts.find((m) => m.destination === '/sys')?.options).toContain('ro');
  });
});

describe('seccomp profile', () => {
  const p = defaultSeccompProfile();
  const allowed = new Set(p.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args).flatMap((r) => r.names));

  it('denies by default with EPERM and allows ordinary calls', () => {
    expect(p.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(p.defaultErrnoRet).toBe(1);
    for (const s of ['read', 'write', 'execve', 'openat', 'chown', 'setuid', 'chroot']) expect(allowed.has(s)).toBe(true);
  });

  it('never allows the dangerous calls', () => {
    const all = new Set(p.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW').flatMap((r) => r.names));
    for (const s of BLOCKED_EXAMPLES) expect(all.has(s), s).toBe(false);
    expect(Object.values(ALLOWED_SYSCALLS).flat()).not.toContain('mount');
  });

  it('filters the native ABI only unless 32-bit compat is asked for', () => {
    expect(p.architectures).toEqual(['SCMP_ARCH_X86_64']);
    expect(defaultSeccompProfile({ compat32: true }).architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  });

  it('allows clone only without namespace flags and answers clone3 with ENOSYS', () => {
    const clone = p.syscalls.find((r) => r.names.includes('clone'))!;
    expect(clone.args?.[0]).toMatchObject({ op: 'SCMP_CMP_MASKED_EQ', value: 0x7e020000, valueTwo: 0 });
    expect(p.syscalls.find((r) => r.names.includes('clone3'))).toMatchObject({ action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
  });
});

describe('withDefaultEnv', () => {
  it('adds PATH and HOME only when missing', () => {
    expect(withDefaultEnv(['A=1'], '/root')).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=1', 'HOME=/root']);
    expect(withDefaultEnv(['PATH=/x', 'HOME=/h'], '/root')).toEqual(['PATH=/x', 'HOME=/h']);
  });
});
