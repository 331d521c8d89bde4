// A Redis build worker in its own process whose builds never finish: the kill -9 test starts
// it, waits for its first log line, and kills it. Args: <redis url> <prefix> <json options>.
import { RedisQueue } from '../redis-queue.ts';

const [url, prefix, extra] = process.argv.slice(2);
const queue = new RedisQueue({ url, prefix, ...JSON.parse(extra ?? '{}') });
await queue.startWorker(async (job, ctx) => {
  ctx.emit({ type: 'build.started', time: Date.now(), buildId: job.id, dockerfile: 'Dockerfile', tags: job.tags });
  ctx.emit({ type: 'vertex.log', time: Date.now(), vertex: 1, stream: 'stdout', text: `child ${process.pid} running` });
  await new Promise(() => undefined);
  throw new Error('unreachable');
});
process.stdout.write('ready\n');
