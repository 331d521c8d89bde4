/**
 * Containers: what `docker run` makes. A container is an image's layers (read-only lowerdirs,
 * shared with every build through the snapshotter's unpacked-layer cache) + a fresh writable
 * upper dir, joined by a real OverlayFS mount, with one process started in it by runc.
 *
 * Terms
 *   container     A record (container.json) + a directory <containersDir>/<id>/ holding
 *                 upper/ (the container's own writes: the only thing that makes it differ
 *                 from its image), work/ (OverlayFS's scratch dir), rootfs/ (the mountpoint,
 *                 mounted only while the process runs), bundle/ (runc's config.json and the
 *                 generated /etc/hosts, /etc/resolv.conf, /etc/hostname).
 *   id, name      64 hex characters (the short id = the first 12 is also the hostname);
 *                 a name is --name or a generated "adjective_noun". ps, rm and diff accept
 *                 a name, a full id or a unique id prefix.
 *   limits        The executor's (memory, pids, rlimits) plus: one CPU core, one hour wall-clock, 1 GiB
 *                 written to the upper dir (a watchdog, every 2 s), at most 4 running
 *                 containers per namespace (they run in the daemon, outside the shell's cgroup).
 *   process       Entrypoint + Cmd from the image config; `--entrypoint X` replaces the
 *                 entrypoint and drops the image's Cmd (as Docker does); CMD... after the
 *                 image replaces Cmd. Env, WorkingDir and User come from the image, -e/-w/-u
 *                 override them. No network (a fresh network namespace with only `lo`, like
 *                 a RUN step), the executor's limits (memory, pids, rlimits, seccomp).
 *   tty           `-t`: `runc run` is started in the foreground under a pseudo-terminal made
 *                 by the injected TerminalSpawner, with process.terminal=true in the spec:
 *                 runc creates the container's console (/dev/pts/0 inside), proxies it to
 *                 its own stdin/stdout (our pty) and follows our pty's window size on
 *                 SIGWINCH, so resizing our pty resizes the container's. Without -t: pipes,
 *                 stdout and stderr kept apart.
 *   attach        A consumer of the output (and, with -i, a source of stdin). Attach before
 *                 start to see all output; output nobody is attached to is dropped.
 *   upper changes `diff`: A (added), C (changed: exists in the image too), D (deleted: a
 *                 whiteout in the upper dir), read from upper/ against the image's layers.
 *                 The mount stubs runc creates (/proc, /dev, /etc/hosts...) are removed when
 *                 the process exits, so they never show up.
 *
 * Lifecycle
 *   create   -> status "created": record and empty upper dir; nothing mounted, no process.
 *   start    -> "running": mount the overlay, write the bundle, spawn `runc run`.
 *   exit     -> "exited": runc delete, remove stubs, unmount; exit code and time recorded;
 *               the upper dir is KEPT (ps -a, diff, rm). With autoRemove (--rm) the container
 *               and its upper dir are removed instead, before wait() answers.
 *   remove   -> gone: record and directories deleted (a running one only with force: killed).
 *   daemon restart: init() finds records still "running" whose daemon process is gone (a
 *   crash), kills and deletes their runc containers, unmounts, and marks them exited (137).
 */
import type { Readable } from 'node:stream';
import type { Digest } from '../content-store/content-store.ts';

/** A process on a pseudo-terminal, as node-pty gives it (the engine never imports node-pty). */
export interface PtyProcess {
  readonly pid: number;
  onData(cb: (data: string) => void): void;
  onExit(cb: (e: { exitCode: number; signal?: number }) => void): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
  /** Flow control (node-pty has both): stop reading output until resume(). */
  pause?(): void;
  resume?(): void;
}

/** Injected by the composition root (lib/cli/pty-spawner.ts is the node-pty implementation). */
export type TerminalSpawner = (
  file: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; cols: number; rows: number },
) => PtyProcess;

export type ContainerStatus = 'created' | 'running' | 'exited';

export interface ContainerLayer {
  digest: Digest;
  diffId: Digest;
}

export interface ContainerRecord {
  id: string;
  name: string;
  /** The image as the user named it ("busybox"). */
  image: string;
  imageId: Digest;
  layers: ContainerLayer[];
  /** The process: args[0] is the program. */
  args: string[];
  env: string[];
  workingDir: string;
  user?: string;
  tty: boolean;
  openStdin: boolean;
  autoRemove: boolean;
  created: string;
  status: ContainerStatus;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  /** Why the container stopped when it was not its own doing (killed, daemon restart). */
  error?: string;
  /** pid of the daemon that runs it (status "running"); a dead owner means a crash. */
  ownerPid?: number;
}

export interface CreateContainerOptions {
  image: string;
  /** Replaces the image's Cmd when non-empty. */
  cmd?: string[];
  /** Replaces the image's Entrypoint (and drops its Cmd); [] clears it. */
  entrypoint?: string[];
  /** "KEY=VALUE" entries that override the image's Env. */
  env?: string[];
  workingDir?: string;
  user?: string;
  name?: string;
  tty?: boolean;
  openStdin?: boolean;
  autoRemove?: boolean;
}

export type ChangeKindLetter = 'A' | 'C' | 'D';
export interface ContainerChange {
  /** Absolute path inside the container. */
  path: string;
  kind: ChangeKindLetter;
}

export type OutputStream = 'stdout' | 'stderr';

export interface AttachOptions {
  /** stdin for the process (ignored unless the container was created with openStdin). */
  stdin?: Readable;
  /**
   * Output chunks; in tty mode everything arrives as 'stdout'. Returning false says the
   * consumer is congested: the process's output is paused until `drain` calls back.
   */
  onOutput(stream: OutputStream, chunk: Buffer): boolean | void;
  drain?(cb: () => void): void;
  /** Called once when the process has exited and all output was delivered. */
  onEnd?(): void;
}

export interface Containers {
  /** Sweeps containers of a crashed daemon (see Lifecycle). Call once before use. */
  init(): Promise<void>;
  create(opts: CreateContainerOptions): Promise<ContainerRecord>;
  /**
   * Registers an output consumer (for an exited container: for its next start); returns a
   * detach function. `lost`: the client went away before the end; when it was the last one
   * sending stdin, a tty container is killed (nobody can type into it again: a hang-up) and a
   * piped one gets EOF (Docker's StdinOnce).
   */
  attach(ref: string, opts: AttachOptions): Promise<(o?: { lost?: boolean }) => void>;
  start(ref: string, size?: { cols: number; rows: number }): Promise<void>;
  resize(ref: string, cols: number, rows: number): Promise<void>;
  /** Sends a signal (KILL, TERM, INT...) to the container's process. */
  kill(ref: string, signal?: string): Promise<void>;
  /**
   * Resolves with the exit code once the container exited (and, with --rm, was removed);
   * nextExit: wait for the end of the next run even when it is exited now (docker start -a).
   */
  wait(ref: string, opts?: { nextExit?: boolean }): Promise<{ exitCode: number }>;
  list(opts?: { all?: boolean }): Promise<ContainerRecord[]>;
  inspect(ref: string): Promise<ContainerRecord>;
  remove(ref: string, opts?: { force?: boolean }): Promise<void>;
  changes(ref: string): Promise<ContainerChange[]>;
  /** Kills running containers and unmounts (daemon shutdown). */
  close(): Promise<void>;
}
