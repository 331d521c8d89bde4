// The node-pty implementation of the engine's TerminalSpawner (lib/engine/container/container.ts):
// the composition roots (`lab daemon`, the web server's runtime) pass it to the daemon so that
// `docker run -t` gets a real pseudo-terminal. The engine itself never imports node-pty.
import { spawn } from 'node-pty';
import type { PtyProcess, TerminalSpawner } from '../engine/container/container.ts';

export const spawnPty: TerminalSpawner = (file, args, opts): PtyProcess => {
  const p = spawn(file, args, { name: 'xterm-256color', cols: opts.cols, rows: opts.rows, cwd: opts.cwd ?? '/', env: opts.env ?? {} });
  return {
    pid: p.pid,
    onData: (cb) => void p.onData(cb),
    onExit: (cb) => void p.onExit((e) => cb({ exitCode: e.exitCode, signal: e.signal || undefined })),
    write: (d) => p.write(d),
    resize: (c, r) => p.resize(c, r),
    kill: (sig) => p.kill(sig),
    pause: () => p.pause(),
    resume: () => p.resume(),
  };
};
