// The workers' composition root for the web server: which queue, and whether this process
// also runs builds. REDIS_URL set -> BullMQ on Redis (workers run `workers/main.ts`, here or
// on other hosts); unset -> the embedded queue with a build worker in this process.
import { resolveLabRoot } from '../lib/engine/daemon/socket-path.ts';
import type { BuildQueue, WorkerHandle } from './queue.ts';
import { EmbeddedQueue } from './embedded-queue.ts';
import { RedisQueue } from './redis-queue.ts';
import { openBuildWorker } from './build-worker.ts';
import type { Engine } from '../lib/engine/daemon/engine.ts';

export interface QueueConfig {
  /** $LAB_ROOT (engine state and embedded job logs). */
  root: string;
  redisUrl?: string;
  /** Builds at once in this process ($LAB_WORKER_CONCURRENCY, default 1). */
  concurrency: number;
  /** Run builds in this process: default true for embedded, false for Redis ($LAB_WORKER_EMBEDDED=1 forces it). */
  runWorker: boolean;
}

export function queueConfigFromEnv(env: Record<string, string | undefined> = process.env): QueueConfig {
  const redisUrl = env.REDIS_URL || undefined;
  const concurrency = Math.max(1, Number.parseInt(env.LAB_WORKER_CONCURRENCY ?? '1', 10) || 1);
  const runWorker = env.LAB_WORKER_EMBEDDED ? env.LAB_WORKER_EMBEDDED === '1' : !redisUrl;
  return { root: resolveLabRoot(env), redisUrl, concurrency, runWorker };
}

export interface OpenQueue {
  queue: BuildQueue;
  worker?: WorkerHandle;
  close(): Promise<void>;
}

/** `engine`: an engine this process already opened on config.root, shared by the in-process worker. */
export async function openBuildQueue(config: QueueConfig = queueConfigFromEnv(), opts: { engine?: Engine } = {}): Promise<OpenQueue> {
  const queue: BuildQueue = config.redisUrl
    ? new RedisQueue({ url: config.redisUrl, prefix: process.env.LAB_QUEUE_PREFIX || undefined })
    : await EmbeddedQueue.open({ root: config.root });
  let worker: WorkerHandle | undefined;
  let release = async () => undefined as void;
  if (config.runWorker) {
    const opened = await openBuildWorker({ root: config.root, engine: opts.engine });
    release = opened.release;
    worker = await queue.startWorker(opened.handler, { concurrency: config.concurrency });
  }
  return {
    queue,
    worker,
    close: async () => {
      await worker?.close();
      await queue.close();
      await release();
    },
  };
}
