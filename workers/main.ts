// A build worker process for the Redis queue: `REDIS_URL=redis://host:6379 npx tsx workers/main.ts`.
// Run as many as you like, on any host that shares $LAB_ROOT's store semantics (see README).
import { resolveLabRoot } from '../lib/engine/daemon/socket-path.ts';
import { RedisQueue } from './redis-queue.ts';
import { openBuildWorker } from './build-worker.ts';
import { workerName } from './job-common.ts';

const url = process.env.REDIS_URL;
if (!url) {
  console.error('REDIS_URL is not set: start redis-server and run REDIS_URL=redis://127.0.0.1:6379 npx tsx workers/main.ts');
  process.exit(2);
}
const root = resolveLabRoot();
const concurrency = Math.max(1, Number.parseInt(process.env.LAB_WORKER_CONCURRENCY ?? '1', 10) || 1);

const opened = await openBuildWorker({ root }).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
const { engine, handler } = opened;
if (!engine.builder) {
  // Taking jobs it cannot build would fail them all: refuse to start instead.
  await opened.release();
  console.error(`this host cannot build: ${engine.builderProblem ?? 'no snapshotter or executor'} (run as root with runc installed)`);
  process.exit(1);
}
const ms = (name: string) => (process.env[name] ? Number.parseInt(process.env[name]!, 10) || undefined : undefined);
const queue = new RedisQueue({
  url,
  prefix: process.env.LAB_QUEUE_PREFIX || undefined,
  lockDurationMs: ms('LAB_QUEUE_LOCK_MS'),
  stalledIntervalMs: ms('LAB_QUEUE_STALLED_MS'),
});
const worker = await queue.startWorker(handler, { concurrency });
console.log(`build worker ${workerName()} ready: ${url}, LAB_ROOT=${root}, concurrency ${concurrency}`);

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) process.exit(1); // second signal: give up waiting for running builds
    stopping = true;
    console.log(`${sig}: finishing running builds, then exiting (send again to stop now)`);
    void worker.close().then(() => queue.close()).then(() => opened.release()).then(() => process.exit(0));
  });
}
