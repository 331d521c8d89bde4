// One `runc run` in the foreground for a container: under a pseudo-terminal from the injected
// TerminalSpawner (tty: spec process.terminal=true, runc proxies its console to our pty and
// follows our pty's size), or with pipes (stdout and stderr apart, stdin piped with -i).
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { EngineError } from '../errors.ts';
import { hostCommand } from '../executor/host-command.ts';
import type { OutputStream, TerminalSpawner } from './container.ts';

export interface RuncProcessOptions {
  runc: string;
  runcRoot: string;
  bundle: string;
  id: string;
  logFile: string;
  tty: boolean;
  openStdin: boolean;
  spawnTerminal?: TerminalSpawner;
  size?: { cols: number; rows: number };
  onOutput(stream: OutputStream, chunk: Buffer): void;
}

export interface RuncProcess {
  writeStdin(chunk: Buffer): void;
  endStdin(): void;
  resize(cols: number, rows: number): void;
  /** Stop / restart reading the process's output (flow control; the process blocks on write). */
  pause(): void;
  resume(): void;
  /** SIGKILL the container's init (the pid namespace takes the rest along). */
  kill(): Promise<void>;
  /** The process's exit code (128+n when killed by signal n). */
  readonly exited: Promise<number>;
}

const RUNC_FAILED = 'runc run failed: ';

export function startRuncProcess(o: RuncProcessOptions): RuncProcess {
  const args = ['--root', o.runcRoot, '--log', o.logFile, '--log-format', 'json', 'run', '--bundle', o.bundle, o.id];
  let done = false;
  const kill = async () => {
    for (let i = 0; i < 40 && !done; i++) {
      const r = await hostCommand(o.runc, ['--root', o.runcRoot, 'kill', o.id, 'KILL']).catch(() => undefined);
      if (r?.code === 0) return;
      await new Promise((res) => setTimeout(res, 50)); // runc may not have created it yet
    }
  };

  if (o.tty) {
    if (!o.spawnTerminal) throw new EngineError('FAILED_PRECONDITION', 'this daemon was started without terminal support: run without -t');
    const size = o.size ?? { cols: 80, rows: 24 };
    const pty = o.spawnTerminal(o.runc, args, { cols: size.cols, rows: size.rows, env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' } });
    const decoder = new StringDecoder('utf8');
    pty.onData((d) => o.onOutput('stdout', Buffer.from(d, 'utf8')));
    const exited = new Promise<number>((resolve) => {
      pty.onExit((e) => {
        done = true;
        resolve(e.signal ? 128 + e.signal : e.exitCode);
      });
    });
    return {
      writeStdin: (c) => {
        const s = decoder.write(c);
        if (s && !done) pty.write(s);
      },
      endStdin: () => undefined, // a terminal has no EOF of its own; the user types exit or ^D
      resize: (cols, rows) => {
        if (!done) pty.resize(Math.max(1, cols), Math.max(1, rows));
      },
      pause: () => pty.pause?.(),
      resume: () => pty.resume?.(),
      kill: async () => {
        await kill();
        if (!done) pty.kill('SIGKILL');
      },
      exited,
    };
  }

  const child = spawn(o.runc, args, { stdio: [o.openStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => o.onOutput('stdout', d));
  child.stderr!.on('data', (d: Buffer) => {
    const text = d.toString('utf8');
    // runc's own start-up failure: say it in our words
    o.onOutput('stderr', text.startsWith(RUNC_FAILED) ? Buffer.from(`cannot start the container's process: ${text.slice(RUNC_FAILED.length)}`) : d);
  });
  child.stdin?.on('error', () => undefined); // the process may exit without reading
  const exited = new Promise<number>((resolve) => {
    child.on('error', (e) => {
      done = true;
      o.onOutput('stderr', Buffer.from(`cannot start runc (${o.runc}): ${e.message}\n`));
      resolve(127);
    });
    child.on('close', (code, signal) => {
      done = true;
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 0));
    });
  });
  return {
    writeStdin: (c) => {
      if (!done && child.stdin && !child.stdin.writableEnded) child.stdin.write(c);
    },
    endStdin: () => child.stdin?.end(),
    resize: () => undefined,
    pause: () => {
      child.stdout!.pause();
      child.stderr!.pause();
    },
    resume: () => {
      child.stdout!.resume();
      child.stderr!.resume();
    },
    kill: async () => {
      await kill();
      if (!done) child.kill('SIGKILL');
    },
    exited,
  };
}
