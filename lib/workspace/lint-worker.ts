// A lint worker thread (started by lint-pool.ts through lint-worker-boot.mjs): one job at a time,
// `{ id, job }` in, `{ id, problems }` or `{ id, error }` out. Its heap is capped by the pool's
// resourceLimits; the pool terminates it when a job runs too long.
import { parentPort } from 'node:worker_threads';
import { dockerfileProblems, type LintJob } from './dockerfile-problems.ts';

const port = parentPort;
if (!port) throw new Error('lint-worker.ts runs only as a worker thread');
port.on('message', async (msg: { id: number; job: LintJob }) => {
  try {
    port.postMessage({ id: msg.id, problems: await dockerfileProblems(msg.job) });
  } catch (err) {
    port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
port.postMessage({ ready: true });
