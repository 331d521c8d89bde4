/**
 * The executor: runs one process (a Dockerfile RUN, or later a `docker run`) inside a real
 * container made by runc, on a root filesystem that somebody else prepared (usually the
 * merged directory of an OverlayFS snapshot), and reports what happened.
 *
 * Terms
 *   rootfs      A directory that becomes `/` inside the container. The executor never
 *               mounts it; the snapshotter does. Whatever the process writes lands there
 *               (for an overlay mount: in the upperdir, which later becomes the layer).
 *   bundle      What runc needs: a directory with config.json (the OCI runtime spec).
 *               Ours live in <root>/bundles/<containerId>; rootfs points elsewhere.
 *   spec        The OCI runtime spec (config.json). Built by oci-spec.ts, apart from the
 *               runner, like BuildKit's executor/oci/spec.go: namespaces (pid, mount, ipc,
 *               uts, network: only `lo` inside), Docker's default capabilities and seccomp
 *               profile, no-new-privileges, masked and read-only /proc paths, rlimits,
 *               cgroup limits (pids, memory), env, user, cwd, mounts.
 *   run mount   `RUN --mount=type=cache|secret|tmpfs|bind`: extra mounts that exist only
 *               while the command runs. A secret is a file on a host tmpfs bind-mounted
 *               read-only: its bytes never touch the rootfs, so never a layer.
 *   mount stub  To mount on /proc, /etc/hosts or /run/secrets/x, runc first creates an
 *               empty directory or file at that path in the rootfs when it is missing. Left
 *               there, the stub would appear in the layer. Like BuildKit, the executor
 *               records which path components did not exist before the run and removes the
 *               (still empty) stubs afterwards, restoring the parent directories' mtimes.
 *   container id  "lab-" + random hex; unique per run. Every container is deleted after the
 *               run, also on error and timeout; `sweep()` at start-up deletes leftovers of a
 *               crashed process (containers, bundles, secret tmpfs mounts).
 *
 * Lifecycle of run()
 *   1. resolve the user (names from the rootfs' /etc/passwd and /etc/group, read without
 *      following links out of the rootfs; numeric ids work without those files);
 *   2. create the cwd when missing (it stays, as in BuildKit); record missing mount targets;
 *   3. prepare run mounts (cache dirs keyed by id, secret tmpfs, ...) and the bundle;
 *   4. `runc run --keep` with stdin from /dev/null (or a pipe for runContainer), stdout and
 *      stderr piped and split into lines for the callbacks; a wall-clock timer, an output
 *      cap and an optional disk watchdog kill the container when exceeded;
 *   5. read the cgroup's OOM and pids counters (kept alive by --keep), `runc delete -f`,
 *      undo run mounts, remove stubs;
 *   6. resolve with ExecResult on exit code 0, else reject with ExecError: RUN_FAILED
 *      (command, exit code, last output lines), RUN_TIMEOUT, or RESOURCE_LIMIT (memory,
 *      pids, output, disk, file size).
 *
 * SHELL and the exec form are the caller's job: `args` is passed to runc verbatim.
 */
import { RUN_CPUS } from '../limits.ts';

/** A user as written in USER or `--user`: "name", "uid", "name:group", "uid:gid". */
export type UserSpec = string;

export interface ResolvedUser {
  uid: number;
  gid: number;
  /** Supplementary groups: groups in /etc/group that list the user by name. */
  additionalGids: number[];
  /** Home directory from /etc/passwd ("/" when unknown), used for a default HOME. */
  home: string;
}

export type CacheSharing = 'shared' | 'private' | 'locked';

export type RunMount =
  /** Persistent directory kept between builds, keyed by `id` (default: the target). */
  | { type: 'cache'; target: string; id?: string; sharing?: CacheSharing; readonly?: boolean; mode?: number; uid?: number; gid?: number }
  /**
   * A secret from ExecRequest.secrets: a file at target (default /run/secrets/<id>), and/or
   * with `env` an environment variable of the process (then no file unless target is given,
   * as in BuildKit). Neither ever reaches the rootfs.
   */
  | { type: 'secret'; id: string; target?: string; env?: string; required?: boolean; mode?: number; uid?: number; gid?: number }
  /** An empty tmpfs; size in bytes (default 64 MiB). */
  | { type: 'tmpfs'; target: string; size?: number }
  /**
   * A host directory or file (another stage's rootfs, the build context) resolved by the
   * caller. Read-only by default; with readonly=false writes go to a throw-away overlay.
   */
  | { type: 'bind'; target: string; source: string; readonly?: boolean };

export interface ExecLimits {
  /** Wall-clock limit; the container is killed and the run fails with RUN_TIMEOUT. */
  timeoutMs: number;
  /** Memory cgroup limit (swap disallowed); exceeding it OOM-kills: RESOURCE_LIMIT. */
  memoryBytes: number;
  /** pids cgroup limit: contains fork bombs. */
  pids: number;
  /** stdout+stderr bytes streamed; past it output is dropped, the run killed: RESOURCE_LIMIT. */
  outputBytes: number;
  /** RLIMIT_NOFILE (soft = hard). */
  nofile: number;
  /** RLIMIT_NPROC (per uid; the pids cgroup is the real guard). */
  nproc: number;
  /** RLIMIT_FSIZE: the largest single file the process may write. */
  fileSizeBytes: number;
  /**
   * Bytes the run may add under `ExecRequest.writableDir` (usually the snapshot's upperdir),
   * checked by a watchdog (every 0.5 s, less often for big trees): RESOURCE_LIMIT "disk".
   * 0 = unchecked.
   */
  diskBytes: number;
  /** CPU quota in CPUs (cgroup cfs quota/period, v2 cpu.max): a busy loop gets at most this. */
  cpus: number;
}

export const DEFAULT_LIMITS: ExecLimits = {
  timeoutMs: 10 * 60_000,
  memoryBytes: 1024 * 1024 * 1024,
  pids: 512,
  outputBytes: 4 * 1024 * 1024,
  nofile: 1024 * 1024,
  nproc: 8192,
  fileSizeBytes: 2 * 1024 * 1024 * 1024,
  diskBytes: 4 * 1024 * 1024 * 1024,
  cpus: RUN_CPUS,
};

export interface ExecRequest {
  /** Absolute host path of the prepared root filesystem (e.g. an overlay merged dir). */
  rootfs: string;
  /** argv, verbatim. For RUN in shell form the caller passes [...SHELL, command]. */
  args: string[];
  /** "KEY=VALUE" entries; PATH and HOME get defaults when missing. */
  env?: string[];
  /** Absolute working directory in the container; created when missing. Default "/". */
  cwd?: string;
  /** USER; default root. */
  user?: UserSpec;
  hostname?: string;
  mounts?: RunMount[];
  /** Secret contents by id, for `type: 'secret'` mounts. */
  secrets?: Record<string, Buffer | string>;
  limits?: Partial<ExecLimits>;
  /** Host dir whose growth limits.diskBytes bounds (the snapshot's upperdir). */
  writableDir?: string;
  /** Each complete line of output (without the newline); partial last lines are flushed. */
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
  /** Aborting kills the container; the run rejects with RUN_FAILED "cancelled". */
  signal?: AbortSignal;
  /** How to name the command in errors, e.g. "/bin/sh -c make" (default: args joined). */
  displayCommand?: string;
  /** Whose RUN --mount=type=cache dirs to use (a namespace); default the shared "default". */
  cacheScope?: string;
}

export interface ExecResult {
  exitCode: 0;
  durationMs: number;
  containerId: string;
  /** Output bytes seen on stdout + stderr. */
  outputBytes: number;
  /** The last lines of output (both streams, in arrival order), for progress displays. */
  lastLines: string[];
}

export type ExecFailureReason = 'exit' | 'timeout' | 'memory' | 'pids' | 'output' | 'disk' | 'file-size' | 'cancelled' | 'runtime';

/** What an ExecError carries beyond code and message (see exec-error.ts). */
export interface ExecFailure {
  reason: ExecFailureReason;
  command: string;
  /** Exit code of the process (128+signal when killed), undefined when it never started. */
  exitCode?: number;
  lastLines: string[];
}

/** Interactive use (`docker run -i`): stdin piped in, the rest like run(). */
export interface ContainerRequest extends ExecRequest {
  stdin?: NodeJS.ReadableStream | Buffer | string;
}

export interface ContainerResult {
  exitCode: number;
  durationMs: number;
  containerId: string;
  truncated: boolean;
}

export interface Executor {
  /** Run a build step; resolves only on exit code 0, rejects with ExecError otherwise. */
  run(req: ExecRequest): Promise<ExecResult>;
  /** Run like `docker run -i`: any exit code resolves; limits still apply. */
  runContainer(req: ContainerRequest): Promise<ContainerResult>;
  /** Delete leftover lab containers, bundles and secret mounts of earlier processes. */
  sweep(): Promise<{ containers: string[]; bundles: string[] }>;
}
