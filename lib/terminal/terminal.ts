/**
 * The terminal: a student's bash, sandboxed, reachable over a WebSocket.
 *
 * Terms
 * - workspace: the student's persistent directory on the host. It is the ONLY writable place
 *   the shell sees (at /workspace, HOME=/workspace). Nothing here ever deletes it.
 * - sandbox: bubblewrap (`bwrap --unshare-all --die-with-parent`) with its own user, pid, ipc,
 *   uts, net, mount and cgroup namespaces. Host /usr (and the /bin, /lib*, /sbin symlinks) are
 *   bound read-only, a minimal generated /etc, a fresh /proc, /dev and a size-limited /tmp,
 *   the repo read-only at /opt/lab (code only: bin, lib, node_modules, package.json,
 *   tsconfig.json — never data/ or .env), the daemon socket at /run/lab.sock, and `docker` on
 *   PATH (/opt/lab-bin/docker → `node /opt/lab/bin/lab.mjs "$@"`, LAB_HOST=unix:///run/lab.sock).
 *   The root of the sandbox is remounted read-only, so writes outside /workspace and /tmp fail.
 * - limits: a cgroup per shell (v1 memory+memsw, pids, cpu quota, freezer; or v2 equivalents)
 *   that the pty's first process joins before it execs bwrap, so everything inside inherits it;
 *   RLIMIT_FSIZE for one huge file; a disk watchdog for the workspace total (see README).
 * - shell: the pty process (node-pty) — it is bwrap; bash runs inside.
 * - session: one shell plus its server-side screen (@xterm/headless + the serialize addon),
 *   keyed by (userId, sessionId). Zero or more WebSocket clients may be attached.
 *
 * Lifecycle
 *   create  — SessionManager.create(userId, sessionId, workspaceDir): the shell starts.
 *   attach  — a client connects; it first receives a `hello` with the serialized screen, then
 *             live output. Only `userId` (from the caller's authenticate(req)) may attach.
 *   detach  — the socket closes; the shell keeps running, its output keeps feeding the screen.
 *   reattach— a new socket gets the screen restored (same shell process, same variables).
 *   idle    — no input for `idleMs`: the shell and everything in its cgroup is killed, the
 *             session ends (`exit` reason 'idle'); the workspace stays on disk.
 *   kill    — explicit end (or manager.closeAll()); cgroup emptied and removed.
 *   ended   — however it ended, attached clients get `exit`, the session leaves the manager and
 *             its screen is freed; the next connect with the same id starts a new shell.
 *   sweep   — at server start, sweepShellCgroups() kills and removes cgroups of a crashed server.
 *
 * Wire protocol (one WebSocket per attached client)
 *   server → client
 *     binary frame                       raw pty output bytes (UTF-8 terminal stream)
 *     {"type":"hello","sessionId","pid","cols","rows","screen"}   first message; `screen` is
 *                                        the serialized screen to write into a fresh xterm
 *     {"type":"exit","code","signal","reason"}   the shell ended ('exit'|'idle'|'killed'|'replaced':
 *                                                ended to make room for the same user's newest shell)
 *     {"type":"error","code","message"}  a refused or malformed request
 *     {"type":"pong"}                    answer to an application ping
 *     + WebSocket ping frames every `pingMs`; a client silent for two intervals is dropped.
 *   client → server (text frames, JSON)
 *     {"type":"input","data":"ls\r"}     keystrokes
 *     {"type":"resize","cols":120,"rows":30}
 *     {"type":"ack","bytes":N}           N more output bytes were written to the client's xterm
 *     {"type":"ping"}                    application keep-alive (browsers cannot send ping frames)
 *   Flow control: the server counts bytes sent minus bytes acked per client. Above `highWater`
 *   the pty is paused; it resumes when every client is back below `lowWater`. The server-side
 *   screen is bounded the same way (parser backlog), so a flood (`yes`) never grows memory.
 */

export interface SandboxLimits {
  /** Memory (and memory+swap) limit in bytes. Default 512 MiB. */
  memoryBytes: number;
  /** Max processes/threads in the shell's cgroup. Default 256. */
  pids: number;
  /** CPU share as a fraction of one core (cfs quota). Default 1.0. */
  cpus: number;
  /** Workspace disk budget in bytes (watchdog). Default 1 GiB; 0 = off. */
  diskBytes: number;
  /** Largest single file a process may write (RLIMIT_FSIZE). Default = diskBytes or 1 GiB. */
  fileSizeBytes: number;
  /** Size of the sandbox's private /tmp (tmpfs). Default 64 MiB. */
  tmpBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  memoryBytes: 512 * 1024 * 1024,
  pids: 256,
  cpus: 1,
  diskBytes: 1024 * 1024 * 1024,
  fileSizeBytes: 1024 * 1024 * 1024,
  tmpBytes: 64 * 1024 * 1024,
};

export interface ShellOptions {
  /** Host directory bound read-write at /workspace. Must exist. */
  workspaceDir: string;
  /** Host path of the build daemon's Unix socket, bound at /run/lab.sock (optional). */
  daemonSocket?: string;
  /** Repository root bound read-only at /opt/lab (code only). Default: this repo. */
  repoDir?: string;
  /** Host dir of the prebuilt CLI (lib/runtime/cli-bundle.ts), bound read-only at /opt/lab-cli:
   *  `docker` then starts in ~0.1 s instead of compiling bin/lab.mjs's TypeScript on each call. */
  cliDir?: string;
  cols?: number;
  rows?: number;
  limits?: Partial<SandboxLimits>;
  /** Extra environment inside the sandbox. */
  env?: Record<string, string>;
}

export type ExitReason = 'exit' | 'idle' | 'killed' | 'replaced';

export interface ShellExit {
  code: number;
  signal?: number;
  reason: ExitReason;
}

export type ServerMessage =
  | { type: 'hello'; sessionId: string; pid: number; cols: number; rows: number; screen: string }
  | { type: 'exit'; code: number; signal?: number; reason: ExitReason }
  | { type: 'error'; code: string; message: string }
  | { type: 'pong' };

export type ClientMessage =
  | { type: 'input'; data: string }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'ack'; bytes: number }
  | { type: 'ping' };

export interface FlowControl {
  /** Pause the pty when a client has this many unacknowledged bytes. Default 256 KiB. */
  highWater: number;
  /** Resume when every client is below this. Default 32 KiB. */
  lowWater: number;
}

export const DEFAULT_FLOW: FlowControl = { highWater: 256 * 1024, lowWater: 32 * 1024 };
