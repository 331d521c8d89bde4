/**
 * A seccomp filter like Docker's default profile (moby profiles/seccomp/default.json),
 * written as our own table grouped by topic. Allow-list: every syscall not listed fails with
 * EPERM. The container gets no CAP_SYS_ADMIN, so the calls Docker only allows with it stay
 * blocked: mount/umount, unshare/setns, bpf, perf_event_open, keyctl/add_key, new-mount-API
 * calls, quotactl, sethostname... ptrace is allowed (kernel >= 4.8 checks it safely), but a
 * process can only trace what it could already signal inside the pid namespace.
 */

/** Always allowed, grouped so a reader can see what a build step may do. */
export const ALLOWED_SYSCALLS: Record<string, readonly string[]> = {
  files: [
    'access', 'chdir', 'chmod', 'chown', 'chown32', 'close', 'close_range', 'copy_file_range', 'creat',
    'dup', 'dup2', 'dup3', 'faccessat', 'faccessat2', 'fadvise64', 'fadvise64_64', 'fallocate', 'fchdir',
    'fchmod', 'fchmodat', 'fchown', 'fchown32', 'fchownat', 'fcntl', 'fcntl64', 'fdatasync', 'flock',
    'fstat', 'fstat64', 'fstatat64', 'fstatfs', 'fstatfs64', 'fsync', 'ftruncate', 'ftruncate64',
    'futimesat', 'getcwd', 'getdents', 'getdents64', 'lchown', 'lchown32', 'link', 'linkat', '_llseek',
    'lseek', 'lstat', 'lstat64', 'mkdir', 'mkdirat', 'mknod', 'mknodat', 'name_to_handle_at', 'newfstatat',
    'open', 'openat', 'openat2', 'pread64', 'preadv', 'preadv2', 'pwrite64', 'pwritev', 'pwritev2', 'read',
    'readahead', 'readlink', 'readlinkat', 'readv', 'rename', 'renameat', 'renameat2', 'rmdir', 'sendfile',
    'sendfile64', 'splice', 'stat', 'stat64', 'statfs', 'statfs64', 'statx', 'symlink', 'symlinkat', 'sync',
    'sync_file_range', 'syncfs', 'tee', 'truncate', 'truncate64', 'umask', 'unlink', 'unlinkat', 'utime',
    'utimensat', 'utimensat_time64', 'utimes', 'vmsplice', 'write', 'writev',
  ],
  xattrs: [
    'fgetxattr', 'flistxattr', 'fremovexattr', 'fsetxattr', 'getxattr', 'lgetxattr', 'listxattr',
    'llistxattr', 'lremovexattr', 'lsetxattr', 'removexattr', 'setxattr',
  ],
  events: [
    'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_pwait', 'epoll_pwait2', 'epoll_wait',
    'epoll_wait_old', 'eventfd', 'eventfd2', 'fanotify_mark', 'inotify_add_watch', 'inotify_init',
    'inotify_init1', 'inotify_rm_watch', 'poll', 'ppoll', 'ppoll_time64', 'pselect6', 'pselect6_time64',
    'select', '_newselect', 'signalfd', 'signalfd4', 'timerfd_create', 'timerfd_gettime',
    'timerfd_gettime64', 'timerfd_settime', 'timerfd_settime64',
  ],
  asyncIo: [
    'io_cancel', 'io_destroy', 'io_getevents', 'io_pgetevents', 'io_pgetevents_time64', 'io_setup',
    'io_submit', 'io_uring_enter', 'io_uring_register', 'io_uring_setup', 'ioctl', 'ioprio_get', 'ioprio_set',
  ],
  processes: [
    'capget', 'capset', 'execve', 'execveat', 'exit', 'exit_group', 'fork', 'vfork', 'wait4', 'waitid',
    'waitpid', 'getpgid', 'getpgrp', 'getpid', 'getppid', 'getpriority', 'getsid', 'gettid', 'setpgid',
    'setpriority', 'setsid', 'prctl', 'arch_prctl', 'modify_ldt', 'get_thread_area', 'set_thread_area',
    'set_tid_address', 'get_robust_list', 'set_robust_list', 'rseq', 'futex', 'futex_time64', 'futex_waitv',
    'getrlimit', 'setrlimit', 'prlimit64', 'ugetrlimit', 'getrusage', 'times', 'uname', 'sysinfo', 'getcpu',
    'getrandom', 'restart_syscall', 'seccomp', 'pidfd_open', 'pidfd_send_signal', 'process_mrelease',
    'landlock_add_rule', 'landlock_create_ruleset', 'landlock_restrict_self', 'ptrace', 'process_vm_readv',
    'process_vm_writev',
  ],
  identity: [
    'getegid', 'getegid32', 'geteuid', 'geteuid32', 'getgid', 'getgid32', 'getgroups', 'getgroups32',
    'getresgid', 'getresgid32', 'getresuid', 'getresuid32', 'getuid', 'getuid32', 'setfsgid', 'setfsgid32',
    'setfsuid', 'setfsuid32', 'setgid', 'setgid32', 'setgroups', 'setgroups32', 'setregid', 'setregid32',
    'setresgid', 'setresgid32', 'setresuid', 'setresuid32', 'setreuid', 'setreuid32', 'setuid', 'setuid32',
  ],
  scheduling: [
    'sched_getaffinity', 'sched_getattr', 'sched_getparam', 'sched_get_priority_max', 'sched_get_priority_min',
    'sched_getscheduler', 'sched_rr_get_interval', 'sched_rr_get_interval_time64', 'sched_setaffinity',
    'sched_setattr', 'sched_setparam', 'sched_setscheduler', 'sched_yield',
  ],
  memory: [
    'brk', 'madvise', 'membarrier', 'memfd_create', 'memfd_secret', 'mincore', 'mlock', 'mlock2', 'mlockall',
    'mmap', 'mmap2', 'mprotect', 'mremap', 'msync', 'munlock', 'munlockall', 'munmap', 'pkey_alloc',
    'pkey_free', 'pkey_mprotect', 'remap_file_pages',
  ],
  signals: [
    'alarm', 'kill', 'pause', 'rt_sigaction', 'rt_sigpending', 'rt_sigprocmask', 'rt_sigqueueinfo',
    'rt_sigreturn', 'rt_sigsuspend', 'rt_sigtimedwait', 'rt_sigtimedwait_time64', 'rt_tgsigqueueinfo',
    'sigaltstack', 'sigprocmask', 'sigreturn', 'tgkill', 'tkill',
  ],
  time: [
    'adjtimex', 'clock_adjtime', 'clock_adjtime64', 'clock_getres', 'clock_getres_time64', 'clock_gettime',
    'clock_gettime64', 'clock_nanosleep', 'clock_nanosleep_time64', 'getitimer', 'gettimeofday', 'nanosleep',
    'setitimer', 'time', 'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime',
    'timer_gettime64', 'timer_settime', 'timer_settime64',
  ],
  network: [
    'accept', 'accept4', 'bind', 'connect', 'getpeername', 'getsockname', 'getsockopt', 'listen', 'recv',
    'recvfrom', 'recvmmsg', 'recvmmsg_time64', 'recvmsg', 'send', 'sendmmsg', 'sendmsg', 'sendto',
    'setsockopt', 'shutdown', 'socketcall', 'socketpair',
  ],
  ipc: [
    'ipc', 'mq_getsetattr', 'mq_notify', 'mq_open', 'mq_timedreceive', 'mq_timedreceive_time64', 'mq_timedsend',
    'mq_timedsend_time64', 'mq_unlink', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'semctl', 'semget', 'semop',
    'semtimedop', 'semtimedop_time64', 'shmat', 'shmctl', 'shmdt', 'shmget', 'pipe', 'pipe2',
  ],
  /** CAP_SYS_CHROOT is in the default capability set, so chroot is allowed as in Docker. */
  withDefaultCaps: ['chroot'],
};

/** Calls that stay blocked (documentation and tests; the allow-list is what enforces it). */
export const BLOCKED_EXAMPLES = [
  'mount', 'umount2', 'unshare', 'setns', 'keyctl', 'add_key', 'request_key', 'bpf', 'perf_event_open',
  'fsopen', 'fsmount', 'move_mount', 'open_tree', 'pivot_root', 'swapon', 'reboot', 'init_module',
  'kexec_load', 'sethostname', 'setdomainname', 'settimeofday', 'acct', 'quotactl', 'userfaultfd',
  'open_by_handle_at', 'syslog', 'iopl', 'ioperm', 'vhangup', 'kcmp', 'pidfd_getfd',
] as const;

/** Namespace-creating clone flags (CLONE_NEWNS|UTS|IPC|USER|PID|NET|CGROUP): 0x7E020000. */
const CLONE_NS_FLAGS = 0x7e020000;
const AF_VSOCK = 40;
const ERRNO_EPERM = 1;
const ERRNO_ENOSYS = 38;

export interface SeccompArg { index: number; value: number; valueTwo?: number; op: string }
export interface SeccompRule { names: string[]; action: string; errnoRet?: number; args?: SeccompArg[] }
export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet: number;
  architectures: string[];
  syscalls: SeccompRule[];
}

/**
 * Docker also lists the 32-bit ABIs (x86, x32) as sub-architectures. Each one makes runc
 * compile the filter again: about 150 ms more per RUN here. Build images are 64-bit, so by
 * default only the native ABI is allowed (32-bit binaries then fail); `compat32` restores
 * Docker's list.
 */
export function defaultSeccompProfile(opts: { compat32?: boolean } = {}): SeccompProfile {
  const allowed = Object.values(ALLOWED_SYSCALLS).flat();
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: ERRNO_EPERM,
    architectures: opts.compat32 ? ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] : ['SCMP_ARCH_X86_64'],
    syscalls: [
      { names: [...new Set(allowed)].sort(), action: 'SCMP_ACT_ALLOW' },
      // socket() for every family but vsock (no host channel)
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: AF_VSOCK, op: 'SCMP_CMP_NE' }] },
      // personality(): only the harmless personas Docker allows
      ...[0x0, 0x8, 0x20000, 0x20008, 0xffffffff].map((p) => ({
        names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: p, op: 'SCMP_CMP_EQ' }],
      })),
      // clone() for threads and processes, not for new namespaces
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: CLONE_NS_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
      // clone3 passes flags in a struct seccomp cannot read: answer ENOSYS so libc falls back to clone
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ERRNO_ENOSYS },
    ],
  };
}
