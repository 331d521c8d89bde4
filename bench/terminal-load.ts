// Terminal load benchmark (issue 6 "Proof"): N simultaneous sandboxed shells (default 30), each a
// real bubblewrap+cgroup bash behind the real WebSocket endpoint, each with its own workspace and
// a real build daemon socket bound in. Every session types `docker build -t sN . …` one key at a
// time with human gaps, measuring keystroke echo latency (input sent → echoed byte back), then
// presses Enter and measures the first trace line (Enter → first output line of the build).
// Every build must finish. A single-session run first gives the reference in the same process.
//   npx tsx bench/terminal-load.ts [sessions]     (writes bench/results/terminal-load.md)
// Needs root, cgroups, bwrap and runc; exits cleanly with the reason otherwise.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { SessionManager } from '../lib/terminal/session-manager.ts';
import { cgroupsAvailable } from '../lib/terminal/shell-cgroup.ts';
import { createTerminalEndpoint } from '../lib/terminal/ws-endpoint.ts';
import { TestTerminalClient } from '../lib/terminal/testing/ws-test-client.ts';
import { openEngine, type Engine } from '../lib/engine/daemon/engine.ts';
import { startLabDaemon, type LabDaemon } from '../lib/runtime/daemon-wiring.ts';
import { buildCliBundle } from '../lib/runtime/cli-bundle.ts';

const N = Number(process.argv[2] ?? 30);
const here = path.dirname(fileURLToPath(import.meta.url));

function why(): string | undefined {
  if (process.getuid?.() !== 0) return 'it must run as root (bubblewrap sandboxes, cgroups, runc builds)';
  if (!fs.existsSync('/usr/bin/bwrap')) return 'bwrap is missing (apt-get install bubblewrap)';
  if (!cgroupsAvailable()) return 'cgroups (memory, pids, cpu, freezer) are not available';
  try {
    execFileSync('runc', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'runc is missing (apt-get install runc)';
  }
  return undefined;
}

const stripAnsi = (t: string) => t.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gap = () => 60 + Math.random() * 140; // 60-200 ms between keys: a quick typist

interface SessionResult {
  echoMs: number[];
  firstTraceMs: number;
  firstTraceLine: string;
  /** Enter → the first build step line (`#1 …`): the daemon has the context and started. */
  firstStepMs: number;
  buildMs: number;
  ok: boolean;
  tail: string;
}

/** One namespaced daemon socket per session, wired as the server wires it (lib/runtime). */
async function startDaemons(engine: Engine, dir: string): Promise<Pick<LabDaemon, 'socketFor' | 'close'> & { kind: string }> {
  const d = await startLabDaemon({ engine, root: dir });
  return { socketFor: (ns) => d.socketFor(ns), close: () => d.close(), kind: 'one namespaced daemon socket per session (startNamespacedDaemon)' };
}

function writeWorkspace(dir: string, name: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'app.txt'), `hello from ${name} ${Date.now()} ${Math.random()}\n`);
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    'FROM busybox\nCOPY app.txt /app/\nRUN i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; md5sum /app/app.txt > /app/sum.txt\nCMD ["cat", "/app/sum.txt"]\n',
  );
}

/** Types the build command key by key, presses Enter, waits for the build to end. */
async function drive(c: TestTerminalClient, name: string, buildTimeoutMs: number): Promise<SessionResult> {
  await c.run('cd /workspace; PS1="$ "', /\$ $/, 30_000);
  const line = `docker build -t ${name} . && echo BUILD""-OK || echo BUILD""-FAIL`;
  const echoMs: number[] = [];
  for (const ch of line) {
    const before = c.text.length;
    const t0 = performance.now();
    c.send(ch);
    await c.until(() => c.text.length > before, 30_000, `echo of ${JSON.stringify(ch)}`);
    echoMs.push(performance.now() - t0);
    await sleep(gap());
  }
  const start = c.text.length;
  const t0 = performance.now();
  c.send('\r');
  // the tty echoes CR LF first; the first trace line is the first visible text after it
  let firstTraceMs = NaN;
  const afterEnter = () => stripAnsi(c.text.slice(start)).replace(/^\s*\r?\n/, '');
  await c.until(() => /\S/.test(afterEnter()), buildTimeoutMs, 'first trace line');
  firstTraceMs = performance.now() - t0;
  const firstTraceLine = afterEnter().trim().split(/\r?\n/)[0].slice(0, 80);
  await c.until(() => /(^|\n)#1 /.test(afterEnter()) || /BUILD-(OK|FAIL)/.test(c.text.slice(start)), buildTimeoutMs, 'first step line');
  const firstStepMs = performance.now() - t0;
  await c.until(() => /BUILD-(OK|FAIL)/.test(c.text.slice(start)), buildTimeoutMs, 'build end');
  const out = c.text.slice(start);
  return { echoMs, firstTraceMs, firstTraceLine, firstStepMs, buildMs: performance.now() - t0, ok: out.includes('BUILD-OK'), tail: out.slice(-600) };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
}
const f = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 1 : 0) : '—');
const stats = (xs: number[]) => `${f(pct(xs, 50))} | ${f(pct(xs, 95))} | ${f(Math.max(...xs))}`;

async function main(): Promise<void> {
  const reason = why();
  if (reason) {
    console.log(`terminal-load benchmark skipped: ${reason}`);
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-load-'));
  const engine = await openEngine({ root: path.join(tmp, 'engine') });
  if (!engine.builder) throw new Error(engine.builderProblem ?? 'no builder');
  const daemons = await startDaemons(engine, tmp);
  // the shells run the prebuilt CLI, as the web server's runtime gives them (lib/runtime/cli-bundle.ts)
  const cli = await buildCliBundle(path.join(tmp, 'cli'));
  if (cli.problem) console.warn(`no prebuilt CLI (${cli.problem}): docker runs through tsx`);
  const manager = new SessionManager({ idleMs: 30 * 60_000 });
  const endpoint = createTerminalEndpoint({
    manager,
    authenticate: (req) => (req.headers['x-bench-user'] as string | undefined) ?? null,
    shellFor: async (user) => ({ workspaceDir: path.join(tmp, 'workspaces', user), daemonSocket: await daemons.socketFor(user), cliDir: cli.dir }),
  });
  const server = http.createServer((_req, res) => res.end('ok'));
  server.on('upgrade', (req, socket, head) => void endpoint.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/terminal`;
  const clients: TestTerminalClient[] = [];
  const connect = async (user: string) => {
    writeWorkspace(path.join(tmp, 'workspaces', user), user);
    const c = await TestTerminalClient.connect(`${base}?session=main`, { 'x-bench-user': user });
    clients.push(c);
    return c;
  };
  const load0 = os.loadavg();
  try {
    // reference: one session alone (also warms busybox and the CLI's first tsx compile)
    console.log('reference: 1 session');
    const ref = await drive(await connect('s0'), 's0', 120_000);
    if (!ref.ok) throw new Error(`reference build failed: ${ref.tail}`);
    // what part of the first trace line is the CLI's own start-up (node + tsx, no daemon call)
    const timeIn = async (cmd: string) => {
      const ms: number[] = [];
      for (let i = 0; i < 3; i++) {
        const out = await clients[0].run(`s=$(date +%s%N); ${cmd} >/dev/null 2>&1; echo T-MS=$(( ($(date +%s%N)-s)/1000000 ))`, /T-MS=\d+/, 60_000);
        ms.push(Number(/T-MS=(\d+)/.exec(out)![1]));
      }
      return ms;
    };
    const cpuOut = await clients[0].run('TIMEFORMAT="CPU-S=%U+%S"; time docker images >/dev/null 2>&1', /CPU-S=[\d.]+\+[\d.]+/, 60_000);
    const cliCpuS = /CPU-S=([\d.]+)\+([\d.]+)/.exec(cpuOut)!.slice(1).reduce((a, b) => a + Number(b), 0);
    const nodeMs = await timeIn('node -e 0');
    const imagesMs = await timeIn('docker images');

    console.log(`load: ${N} sessions`);
    let peakLoad = 0;
    const loadTimer = setInterval(() => (peakLoad = Math.max(peakLoad, os.loadavg()[0])), 1000);
    let lagMax = 0;
    const lagTimer = setInterval(() => {
      const t = performance.now();
      setImmediate(() => (lagMax = Math.max(lagMax, performance.now() - t)));
    }, 100);
    const t0 = performance.now();
    const results = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        await sleep(Math.random() * 5000); // people do not all start on the same millisecond
        const name = `s${i + 1}`;
        const r = await drive(await connect(name), name, 15 * 60_000);
        console.log(`  ${name}: ${r.ok ? 'ok' : 'FAILED'} first trace ${f(r.firstTraceMs)} ms, first step ${f(r.firstStepMs)} ms, build ${f(r.buildMs / 1000)} s`);
        return r;
      }),
    );
    const wallS = (performance.now() - t0) / 1000;
    clearInterval(loadTimer);
    clearInterval(lagTimer);
    const echo = results.flatMap((r) => r.echoMs);
    const first = results.map((r) => r.firstTraceMs);
    const firstStep = results.map((r) => r.firstStepMs);
    const builds = results.map((r) => r.buildMs / 1000);
    const failed = results.filter((r) => !r.ok);
    const cpu = os.cpus();
    const md = `# Terminal load benchmark

Date: ${new Date().toISOString()}  
Machine: ${cpu[0]?.model.trim()}, ${cpu.length} cores, linux ${os.release()}, Node ${process.version}  
Load average before: ${load0.map((l) => l.toFixed(1)).join(' ')}; peak 1-min during the load phase: ${peakLoad.toFixed(1)}; after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}
(the machine is shared with other engineers' work: the load before the run is not ours)

Each session: a real sandboxed shell (bubblewrap + cgroup, node-pty) behind the real WebSocket
endpoint on a loopback http server, a real \`ws\` client (lib/terminal/testing), its own workspace
with a small Dockerfile (FROM busybox, COPY, RUN a 100 000-step shell loop + md5sum), daemon:
${daemons.kind}. Each types \`docker build -t sN . && echo … || echo …\` (${results[0]?.echoMs.length ?? 0} keys)
one key at a time with 60–200 ms gaps, then Enter; starts spread over 5 s.
Echo = input message sent → first output byte back. First trace line = Enter → first visible
output after the echoed newline: the CLI (${cli.dir ? 'prebuilt bundle, as the web server runs it' : 'through tsx'}) starting in the sandbox and
naming the builder (\`#0 building with …\`, as buildx does). First step line = Enter → \`#1 …\`: the
context walked and sent, the daemon's first progress event. All times ms unless noted.

| run | sessions | builds ok | echo p50 | echo p95 | echo max | first trace p50 | first trace p95 | first trace max | first step p50 | first step p95 | first step max | build s p50 | build s p95 | build s max |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| reference | 1 | ${ref.ok ? 1 : 0}/1 | ${stats(ref.echoMs)} | ${stats([ref.firstTraceMs])} | ${stats([ref.firstStepMs])} | ${stats([ref.buildMs / 1000])} |
| load | ${N} | ${N - failed.length}/${N} | ${stats(echo)} | ${stats(first)} | ${stats(firstStep)} | ${stats(builds)} |

Load phase wall clock: ${wallS.toFixed(1)} s; worst event-loop lag of the server process: ${f(lagMax)} ms.
First trace line printed: \`${ref.firstTraceLine}\`.
In the reference session, idle: bare \`node -e 0\` ${nodeMs.map(f).join(', ')} ms; \`docker images\` (CLI start-up + one daemon call) ${imagesMs.map(f).join(', ')} ms. CPU time of one \`docker images\` (user+sys): ${cliCpuS.toFixed(2)} s — ${N} CLIs starting within a few seconds need ~${(N * cliCpuS).toFixed(0)} CPU-seconds on ${os.cpus().length} cores.

Targets (issue 6): echo p95 < 50 ms → **${pct(echo, 95) < 50 ? 'met' : 'missed'}** (${f(pct(echo, 95))} ms);
first trace line < 300 ms → **${pct(first, 95) < 300 ? 'met' : 'missed'}** at p95 (${f(pct(first, 95))} ms; reference alone ${f(ref.firstTraceMs)} ms);
the first step line, reported beside it, is ${f(pct(firstStep, 95))} ms at p95 (reference ${f(ref.firstStepMs)} ms).

Where the time goes. Echo is the server process's event loop: the terminal endpoint, the
headless screens and the build daemon share it (as in server/main.ts), so echo p95 follows the
loop's lag while ${N} builds stream. The first trace line waits for a fresh \`docker\` process
(node loading the CLI: the CPU time above). Before the prebuilt CLI, every command compiled the
TypeScript CLI through tsx in the shell's private /tmp (~0.5 s CPU each; the first run on
2026-11-27 measured 36 s p95 with 30 sessions). The first step line adds walking and sending the
context and the daemon's parse; ${N} of those at once on ${os.cpus().length} cores, beside ${N} runc builds and
whatever else the machine runs, queue for CPU (the daemon has no build queue or limit).
${failed.length ? `\nFailed builds: ${failed.length}. Last output of the first:\n\n\`\`\`\n${stripAnsi(failed[0].tail)}\n\`\`\`\n` : 'Every build finished.'}

Re-run: \`npx tsx bench/terminal-load.ts ${N}\` (as root).
`;
    const out = path.join(here, 'results', N === 30 ? 'terminal-load.md' : `terminal-load-${N}.md`);
    fs.writeFileSync(out, md);
    console.log(md);
    console.log(`written to ${out}`);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await manager.closeAll();
    endpoint.close();
    await daemons.close();
    await new Promise((r) => server.close(r));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
