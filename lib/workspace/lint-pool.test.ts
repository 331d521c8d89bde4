// The lint pool (lint-pool.ts): real worker threads running the real checks, with the caps of
// issue 10 (time, memory, queue) tripping on hostile text while the event loop stays free.
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../engine/errors.ts';
import { LintPool, lintPoolOptions } from './lint-pool.ts';

// A seed with a space makes every expansion walk its value character by character (word
// splitting), the slow path; without one an expansion is a single string append.
const doubling = (n: number, seed = 'x') =>
  ['FROM busybox', `ARG A0=${seed}`, ...Array.from({ length: n }, (_, i) => `ARG A${i + 1}=\${A${i}}\${A${i}}`), `RUN echo $A${n}`].join('\n') + '\n';
const normal = 'FROM busybox:1.36\nUSER 1000\nCMD ["sh"]\n';

const pools: LintPool[] = [];
const pool = (o: Partial<ReturnType<typeof lintPoolOptions>> = {}) => {
  const p = new LintPool({ ...lintPoolOptions({} as NodeJS.ProcessEnv), ...o });
  pools.push(p);
  return p;
};
const RAISED = ['LAB_MAX_EXPANSION_CHARS', 'LAB_MAX_EXPANSION_TOTAL_CHARS'];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
  for (const k of RAISED) delete process.env[k];
});

async function rejection(p: Promise<unknown>): Promise<EngineError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(EngineError);
  return err as EngineError;
}

describe('lint pool', () => {
  it('lints in a worker and reuses it for the next job', async () => {
    const p = pool({ workers: 1 });
    const problems = await p.run({ text: 'FROM busybox\nRUNN x\n', file: 'Dockerfile' });
    expect(problems.some((x) => x.rule === 'UNKNOWN_INSTRUCTION' && x.line === 2)).toBe(true);
    expect(await p.run({ text: normal, file: 'Dockerfile' })).toEqual([]);
    expect(p.size).toBe(1);
  });

  it('reports the frontend limit of the 40-level ARG doubling as a line-23 problem', async () => {
    const problems = await pool().run({ text: doubling(40), file: 'Dockerfile' });
    expect(problems).toContainEqual(expect.objectContaining({ rule: 'RESOURCE_LIMIT', line: 23 }));
  });

  it('stops a worker that outgrows its heap and answers the next job from a fresh one', async () => {
    // Frontend limits raised in the worker's environment: only the heap cap is left to stop it.
    process.env.LAB_MAX_EXPANSION_CHARS = String(2 ** 29);
    process.env.LAB_MAX_EXPANSION_TOTAL_CHARS = String(2 ** 40);
    const p = pool({ workers: 1, memoryMb: 128, timeoutMs: 60_000 });
    const err = await rejection(p.run({ text: doubling(40), file: 'Dockerfile' }));
    expect(err.code).toBe('RESOURCE_LIMIT');
    expect(err.message).toMatch(/more than 128 MiB of memory.*LAB_LINT_WORKER_MEMORY_MB/);
    expect(await p.run({ text: normal, file: 'Dockerfile' })).toEqual([]);
  }, 90_000);

  it('terminates a job that runs past its wall-clock limit, keeping the event loop free', async () => {
    process.env.LAB_MAX_EXPANSION_CHARS = String(2 ** 29);
    process.env.LAB_MAX_EXPANSION_TOTAL_CHARS = String(2 ** 40);
    const p = pool({ workers: 1, timeoutMs: 1500, memoryMb: 4096 });
    await p.run({ text: normal, file: 'Dockerfile' }); // boot first: the limit is on the job
    let maxGap = 0;
    let last = Date.now();
    const tick = setInterval(() => {
      const now = Date.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 10);
    const t0 = Date.now();
    try {
      const err = await rejection(p.run({ text: doubling(40, '"x y"'), file: 'Dockerfile' }));
      expect(err.code).toBe('RESOURCE_LIMIT');
      expect(err.message).toMatch(/took longer than 1.5 s.*LAB_LINT_TIMEOUT_MS/);
    } finally {
      clearInterval(tick);
    }
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(maxGap).toBeLessThan(1000); // the hostile parse never held the server's loop
    p.opts.timeoutMs = 10_000;
    expect(await p.run({ text: normal, file: 'Dockerfile' })).toEqual([]);
  }, 90_000);

  it('refuses with UNAVAILABLE when every worker is busy and the queue is full', async () => {
    const p = pool({ workers: 1, queue: 1 });
    const jobs = [0, 1, 2].map(() => p.run({ text: normal, file: 'Dockerfile' }).then(() => 'ok', (e: EngineError) => e.code));
    const results = await Promise.all(jobs);
    expect(results.filter((r) => r === 'ok')).toHaveLength(2);
    expect(results).toContain('UNAVAILABLE');
  });
});
