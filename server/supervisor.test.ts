// The supervisor (supervisor.ts) over real child processes: a small HTTP server that is killed
// with SIGKILL answers again after the restart; a crash loop ends in exit code 1; SIGTERM is
// forwarded for a clean stop. (The real server needs `next build` first, too heavy for a test;
// the child here is started the same way: this Node, its loader flags, a script path.)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { supervise } from './supervisor.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-supervisor-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const serverScript = path.join(dir, 'child-server.mjs');
fs.writeFileSync(
  serverScript,
  `import http from 'node:http';
const s = http.createServer((req, res) => res.end('ok ' + process.pid));
s.listen(Number(process.argv[2]), '127.0.0.1');
process.on('SIGTERM', () => s.close(() => process.exit(0)));
`,
);
const crashScript = path.join(dir, 'child-crash.mjs');
fs.writeFileSync(crashScript, 'process.exit(3);\n');

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function answer(port: number, timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await (await fetch(`http://127.0.0.1:${port}/`)).text();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('supervisor', () => {
  it('restarts a server killed with SIGKILL, and the site answers again', async () => {
    const port = await freePort();
    const logs: string[] = [];
    const sup = supervise({ script: serverScript, args: [String(port)], backoffMs: 200, log: (l) => logs.push(l) });
    try {
      const first = await answer(port);
      expect(first).toBe(`ok ${sup.child!.pid}`);
      process.kill(sup.child!.pid!, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 100));
      const second = await answer(port);
      expect(second).toMatch(/^ok \d+$/);
      expect(second).not.toBe(first);
      expect(logs.join('\n')).toMatch(/was killed by SIGKILL; restarting in 0.2 s \(restart 1 of 5/);
    } finally {
      sup.stop();
      expect(await sup.done).toBe(0);
    }
  }, 30_000);

  it('gives up with exit code 1 when the child keeps crashing', async () => {
    const logs: string[] = [];
    const sup = supervise({ script: crashScript, maxRestarts: 2, backoffMs: 10, log: (l) => logs.push(l) });
    expect(await sup.done).toBe(1);
    expect(logs.filter((l) => l.includes('restarting'))).toHaveLength(2);
    expect(logs.at(-1)).toMatch(/exited with code 3; it crashed 3 times within 60 s, giving up/);
  }, 30_000);

  it('forwards SIGTERM from `tsx server/supervisor.ts` to the child and exits 0 without a restart', async () => {
    const port = await freePort();
    const sup = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'supervisor.ts'), serverScript, String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    sup.stderr.on('data', (d) => (stderr += d));
    const childPid = Number((await answer(port)).split(' ')[1]);
    sup.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => sup.on('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/restarting/);
    expect(() => process.kill(childPid, 0)).toThrow(); // the child is gone too
  }, 30_000);
});
