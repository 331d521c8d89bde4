// Hostile-input suite, area "limits": a build that floods its log (the review saw one build grow
// the database by 133 MB). The recorder keeps at most LAB_MAX_BUILD_LOG_BYTES of log text per
// build (live and stored alike, so a replay equals what was watched), cuts single lines at
// LAB_MAX_BUILD_LOG_LINE_BYTES, and adds one marker saying how much was dropped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedSqlite, type TestDb } from '../lib/site/test-db.ts';
import { BuildRecorder } from '../lib/builds/build-recorder.ts';
import { LiveHub } from '../lib/builds/live-hub.ts';
import { readEntries } from '../lib/builds/build-store.ts';
import type { JobEntry } from '../workers/queue.ts';

describe('limits: build log size in the database', () => {
  let t: TestDb;
  let userId: string;
  beforeAll(async () => {
    t = await migratedSqlite();
    userId = (await t.db.user.create({ data: { email: 'flood@example.com', passwordHash: 'x' } })).id;
  }, 60_000);
  afterAll(async () => t?.cleanup());

  async function readAll(buildId: string): Promise<JobEntry[]> {
    const out: JobEntry[] = [];
    for (let from = 0; ; ) {
      const page = await readEntries(t.db, buildId, from);
      out.push(...page);
      if (page.length < 500) return out;
      from = page.at(-1)!.index + 1;
    }
  }

  it('log flood: 20 MB of output stores at most the cap plus one marker; a 1 MB line is cut', async () => {
    const build = await t.db.build.create({ data: { userId, source: 'terminal', status: 'running' } });
    const cap = 256 * 1024;
    const rec = new BuildRecorder(t.db, new LiveHub(), build.id, { base: 0, maxLogBytes: cap, maxLineBytes: 1024, flushMs: 5 });
    rec.push({ type: 'vertex.log', time: Date.now(), vertex: 3, stream: 'stdout', text: 'y'.repeat(1 << 20) });
    const line = 'x'.repeat(999);
    for (let i = 0; i < 20_000; i++) rec.push({ type: 'vertex.log', time: Date.now(), vertex: 3, stream: 'stdout', text: line });
    rec.push({ type: 'job.failed', time: Date.now(), code: 'RUN_FAILED', message: 'boom', retryable: false } as never);
    await rec.finish();
    const entries = await readAll(build.id);
    const logs = entries.filter((e) => e.event.type === 'vertex.log').map((e) => (e.event as { text: string }).text);
    const stored = logs.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    expect(stored).toBeLessThan(cap + 1024);
    expect(logs[0].length).toBeLessThan(1100);
    expect(logs[0]).toContain('[line cut at 1 KiB]');
    const marker = logs.at(-1)!;
    expect(marker).toMatch(/^\[log truncated: \d+ more lines \(.+\) were not kept: the build log limit is 256 KiB \(LAB_MAX_BUILD_LOG_BYTES\)\]$/);
    expect(entries.at(-1)!.event.type).toBe('job.failed');
    const rows = await t.db.buildEvent.findMany({ where: { buildId: build.id }, select: { json: true } });
    expect(rows.reduce((n, r) => n + r.json.length, 0)).toBeLessThan(cap * 2);
  });
});
