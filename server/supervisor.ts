// Keeps a long-running process of the lab alive: starts it as a child, restarts it when it dies
// (exponential backoff, a bounded number of restarts per minute), forwards SIGTERM/SIGINT for a
// clean stop, and exits non-zero when the child keeps crashing — then the host's own supervisor
// (systemd Restart=, a container runtime) takes over. Issue 10: a crash left the site down.
//
//   tsx server/supervisor.ts server/main.ts [args...]        (npm start)
//   tsx server/supervisor.ts workers/main.ts                 (a build worker host)
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export interface SuperviseOptions {
  /** The script to run with this Node and its loader flags (tsx), and its arguments. */
  script: string;
  args?: string[];
  /** Restarts allowed within `windowMs` before giving up (LAB_SUPERVISOR_MAX_RESTARTS, default 5). */
  maxRestarts?: number;
  /** LAB_SUPERVISOR_WINDOW_MS, default 60000. */
  windowMs?: number;
  /** First backoff; doubles per crash in a row up to 30 s (LAB_SUPERVISOR_BACKOFF_MS, default 1000). */
  backoffMs?: number;
  /** How long a stop waits for the child before SIGKILL (default 30000). */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
  /** Called with each new child (tests use it to find the pid). */
  onStart?: (child: ChildProcess) => void;
}

export interface Supervisor {
  /** Resolves with the supervisor's exit code: 0 after a requested stop, 1 when it gave up. */
  done: Promise<number>;
  stop(signal?: NodeJS.Signals): void;
  readonly child: ChildProcess | undefined;
}

const MAX_BACKOFF_MS = 30_000;

function envNumber(name: string, def: number): number {
  const n = Number(process.env[name]);
  return process.env[name] && Number.isSafeInteger(n) && n >= 0 ? n : def;
}

export function supervise(opts: SuperviseOptions): Supervisor {
  const maxRestarts = opts.maxRestarts ?? envNumber('LAB_SUPERVISOR_MAX_RESTARTS', 5);
  const windowMs = opts.windowMs ?? envNumber('LAB_SUPERVISOR_WINDOW_MS', 60_000);
  const firstBackoff = opts.backoffMs ?? envNumber('LAB_SUPERVISOR_BACKOFF_MS', 1000);
  const log = opts.log ?? ((l: string) => console.error(l));
  const restarts: number[] = [];
  let child: ChildProcess | undefined;
  let stopping = false;
  let backoff = firstBackoff;
  let timer: NodeJS.Timeout | undefined;
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const start = () => {
    const startedAt = Date.now();
    // Its own process group: Ctrl-C reaches only the supervisor, which forwards one signal
    // (the server treats a second one as "exit now").
    const c = spawn(process.execPath, [...process.execArgv, opts.script, ...(opts.args ?? [])], { stdio: 'inherit', detached: true });
    child = c;
    opts.onStart?.(c);
    c.on('error', (err) => log(`supervisor: could not start ${opts.script}: ${err.message}`));
    c.on('exit', (code, signal) => {
      child = undefined;
      if (stopping) return finish(0);
      const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const now = Date.now();
      if (now - startedAt > windowMs) backoff = firstBackoff; // it ran fine for a while
      while (restarts.length && now - restarts[0] > windowMs) restarts.shift();
      if (restarts.length >= maxRestarts) {
        log(`supervisor: ${opts.script} ${why}; it crashed ${restarts.length + 1} times within ${windowMs / 1000} s, giving up (LAB_SUPERVISOR_MAX_RESTARTS)`);
        return finish(1);
      }
      restarts.push(now);
      log(`supervisor: ${opts.script} ${why}; restarting in ${backoff / 1000} s (restart ${restarts.length} of ${maxRestarts} allowed per ${windowMs / 1000} s)`);
      timer = setTimeout(start, backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    });
  };

  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (stopping) {
      child?.kill('SIGKILL'); // a second signal: do not wait
      return;
    }
    stopping = true;
    clearTimeout(timer);
    if (!child) return finish(0);
    child.kill(signal);
    const c = child;
    setTimeout(() => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'), opts.stopTimeoutMs ?? 30_000).unref();
  };

  start();
  return {
    done,
    stop,
    get child() {
      return child;
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [script, ...args] = process.argv.slice(2);
  if (!script) {
    console.error('usage: tsx server/supervisor.ts SCRIPT [ARGS...]');
    process.exit(2);
  }
  const sup = supervise({ script, args });
  process.on('SIGTERM', () => sup.stop('SIGTERM'));
  process.on('SIGINT', () => sup.stop('SIGINT'));
  process.on('SIGHUP', () => sup.stop('SIGTERM'));
  process.on('exit', () => sup.child?.kill('SIGKILL')); // never leave an orphan holding the port
  process.exit(await sup.done);
}
