// Issue 10, "one 837-byte Dockerfile takes the site down": hostile Dockerfiles sent to the
// editor's lint (checkWorkspaceDockerfile, what POST /api/workspace/check calls, through the real
// worker pool) and built by the real daemon over its socket. Each is refused with a clear
// RESOURCE_LIMIT naming the line, memory and time stay bounded, host canaries are untouched,
// and the service answers a normal request afterwards. BuildKit has no such limits
// (frontend/dockerfile/shell/lex.go expands without bound); these are the lab's own.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWorkspaceDockerfile, type Problem } from '../lib/workspace/workspace-api.ts';
import { loadStarter, type StarterSource } from '../lib/workspace/workspace-lifecycle.ts';
import { SMALL_JUNK } from '../lib/workspace/test-helpers.ts';
import { openEngine } from '../lib/engine/daemon/engine.ts';
import { LocalEngineApi } from '../lib/engine/daemon/local-api.ts';
import { startDaemon, type DaemonHandle } from '../lib/engine/daemon/http-server.ts';
import { openContext } from '../lib/engine/build-context/index.ts';
import { overlayUnavailableReason } from '../lib/engine/executor/testing/busybox-rootfs.ts';
import type { BuildEvent } from '../lib/engine/progress/events.ts';

const doubling = (n: number) =>
  ['ARG A0=x', ...Array.from({ length: n }, (_, i) => `ARG A${i + 1}=\${A${i}}\${A${i}}`), `FROM busybox:$A${n}`].join('\n');
const HOSTILE = {
  doubling: doubling(40), // 837 bytes: A21 (line 22) passes 1 Mi characters
  instructions: 'FROM busybox\n' + 'ENV A=1\n'.repeat(100_000),
  nesting: 'FROM busybox\nARG X=' + '${a:-'.repeat(5_000) + 'x' + '}'.repeat(5_000) + '\n',
  heredocBomb:
    'FROM busybox\nARG A0=x\n' + Array.from({ length: 20 }, (_, i) => `ARG A${i + 1}=\${A${i}}\${A${i}}`).join('\n') + '\nCOPY <<EOF /x\n' + '${A20}'.repeat(100) + '\nEOF\n',
  big: 'FROM busybox\n' + 'RUN echo hello world, this is one line of a big file\n'.repeat(250_000),
};
const NORMAL = 'FROM busybox:1.36\nUSER 1000\nCMD ["sh"]\n';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-bounded-parse-'));
const canaryDir = path.join(tmp, 'canary');
fs.mkdirSync(canaryDir, { mode: 0o700 });
const canary = path.join(canaryDir, 'secret.txt');
fs.writeFileSync(canary, 'canary\n', { mode: 0o600 });
const canaryStat = fs.statSync(canary);
function canaryUntouched(): void {
  const s = fs.statSync(canary);
  expect(fs.readFileSync(canary, 'utf8')).toBe('canary\n');
  expect(s.mtimeMs).toBe(canaryStat.mtimeMs);
}
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('lint endpoint under hostile Dockerfiles', () => {
  let opts: { env: { LAB_DATA_DIR: string }; starter: StarterSource };
  const user = 'hostile-student';
  let baseline: Problem[];
  beforeAll(async () => {
    const real = await loadStarter();
    opts = { env: { LAB_DATA_DIR: path.join(tmp, 'data') }, starter: { starterDir: real.starterDir, junk: SMALL_JUNK } };
    const first = await lint(NORMAL);
    expect(first.status).toBe(200);
    baseline = first.body.problems!; // the starter workspace's own findings (e.g. its .dockerignore)
    expect(baseline.some((p) => p.severity === 'error')).toBe(false);
  }, 60_000);
  const lint = async (text: string) => (await checkWorkspaceDockerfile(user, { text }, opts)) as { status: number; body: { problems?: Problem[]; code?: string; error?: string } };
  async function answersNormally(): Promise<void> {
    const r = await lint(NORMAL);
    expect(r.status).toBe(200);
    expect(r.body.problems).toEqual(baseline);
    canaryUntouched();
  }
  async function refusedAt(text: string, line: number, pattern: RegExp): Promise<void> {
    const h0 = process.memoryUsage().rss;
    const r = await lint(text);
    expect(r.status).toBe(200);
    const p = r.body.problems!.find((x) => x.rule === 'RESOURCE_LIMIT');
    expect(p, JSON.stringify(r.body).slice(0, 500)).toBeDefined();
    expect(p!.line).toBe(line);
    expect(p!.message).toMatch(pattern);
    expect(process.memoryUsage().rss - h0).toBeLessThan(300e6); // the server's own memory
    await answersNormally();
  }

  it('837-byte doubling ARG chain: refused at line 22, server memory flat', async () => {
    expect(HOSTILE.doubling.length).toBe(837);
    await refusedAt(HOSTILE.doubling, 22, /^line 22: ARG A21 expands to more than 1 MiB/);
  }, 60_000);

  it('100k instructions: refused at instruction 10001', async () => {
    await refusedAt(HOSTILE.instructions, 10_001, /more than 10000 instructions/);
  }, 60_000);

  it('5000-deep ${a:-${b:-...}} nesting: refused without a stack overflow', async () => {
    await refusedAt(HOSTILE.nesting, 2, /nests \$\{\.\.\.\} more than 64 levels deep/);
  }, 60_000);

  it('heredoc expansion bomb (COPY <<EOF of a doubled variable): refused', async () => {
    await refusedAt(HOSTILE.heredocBomb, 23, /^line 23: COPY expands to more than 1 MiB/);
  }, 60_000);

  it('13 MB Dockerfile: refused before parsing', async () => {
    const r = await lint(HOSTILE.big);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/up to 1 MiB/);
    await answersNormally();
  }, 60_000);

  it('a flood of hostile lint requests: excess refused with 503, the event loop keeps ticking', async () => {
    let maxGap = 0;
    let last = Date.now();
    const tick = setInterval(() => {
      maxGap = Math.max(maxGap, Date.now() - last);
      last = Date.now();
    }, 10);
    let results;
    try {
      results = await Promise.all(Array.from({ length: 24 }, () => lint(HOSTILE.doubling)));
    } finally {
      clearInterval(tick);
    }
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const busy = results.find((r) => r.status === 503);
    if (busy) expect(busy.body).toMatchObject({ code: 'UNAVAILABLE', error: expect.stringMatching(/try again/) });
    expect(maxGap).toBeLessThan(2000);
    await answersNormally();
  }, 120_000);
});

const cannotBuild = overlayUnavailableReason();
if (cannotBuild) console.warn(`bounded-parse daemon tests skipped: ${cannotBuild}`);

describe.skipIf(!!cannotBuild)('daemon under hostile Dockerfiles', () => {
  let daemon: DaemonHandle;
  let sock: string;
  beforeAll(async () => {
    const engine = await openEngine({ root: path.join(tmp, 'engine') });
    sock = path.join(tmp, 'lab.sock');
    daemon = await startDaemon(new LocalEngineApi(engine), sock);
  }, 120_000);
  afterAll(async () => {
    await daemon?.close();
  });

  async function build(dockerfile: string, tag: string): Promise<BuildEvent[]> {
    const dir = fs.mkdtempSync(path.join(tmp, 'ctx-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
    const body = (await openContext(dir)).tar();
    return new Promise((resolve, reject) => {
      const req = http.request({ socketPath: sock, method: 'POST', path: `/build?t=${tag}` }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          try {
            resolve(text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as BuildEvent));
          } catch {
            resolve([{ type: 'build.error', code: `HTTP ${res.statusCode}`, message: text } as unknown as BuildEvent]);
          }
        });
      });
      req.on('error', reject);
      body.pipe(req);
    });
  }
  async function buildsNormally(): Promise<void> {
    const events = await build('FROM busybox\nRUN echo ok > /ok\n', 'normal:1');
    expect(events.at(-1)?.type).toBe('build.done');
    canaryUntouched();
  }

  for (const [name, text, pattern] of [
    ['doubling ARG chain', HOSTILE.doubling, /line 22: ARG A21 expands to more than 1 MiB/],
    ['100k instructions', HOSTILE.instructions, /more than 10000 instructions/],
    ['13 MB Dockerfile', HOSTILE.big, /the Dockerfile is 12\.\d MiB.*at most 2 MiB/],
  ] as const) {
    it(`build of the ${name}: refused quickly, the daemon builds a normal Dockerfile afterwards`, async () => {
      const t0 = Date.now();
      const events = await build(text, 'hostile:1');
      const last = events.at(-1) as unknown as { type: string; code?: string; message?: string };
      expect(last.type).toBe('build.error');
      expect(last.code).toBe('RESOURCE_LIMIT');
      expect(last.message).toMatch(pattern);
      expect(Date.now() - t0).toBeLessThan(30_000);
      await buildsNormally();
    }, 180_000);
  }
});
