import { describe, expect, it } from 'vitest';
import { Progress, collect } from './progress.ts';
import { createRenderer } from './renderers.ts';
import { NdjsonDecoder } from './json.ts';
import { CONTEXT_STATUS_ID } from './classic.ts';
import { humanSize } from './format.ts';
import type { BuildEvent } from './events.ts';

/** A small build: context transfer, FROM cached, COPY cached, RUN missed with output, export. */
function sampleBuild(fail = false): BuildEvent[] {
  const { events, sink } = collect();
  const p = new Progress(sink);
  p.emit({ type: 'build.started', buildId: 'b1', dockerfile: 'Dockerfile', tags: ['docker.io/library/myapp:v1'] });
  const def = p.vertex('[internal] load build definition from Dockerfile', { internal: true });
  def.status('def', 'transferring dockerfile: 120B', { done: true });
  def.done();
  const ctx = p.vertex('[internal] load build context', { internal: true });
  ctx.status(CONTEXT_STATUS_ID, 'transferring context:', { current: 15_200_000 });
  ctx.status(CONTEXT_STATUS_ID, 'transferring context:', { current: 15_200_000, done: true });
  ctx.done();
  const step = (i: number, text: string) =>
    p.vertex(`[${i}/3] ${text}`, { instruction: text, step: { stage: 0, index: i, total: 3, globalIndex: i, globalTotal: 3 }, range: { start: i, end: i } });
  const s1 = step(1, 'FROM busybox');
  s1.cached('sha256:1111111111112222');
  const s2 = step(2, 'COPY requirements.txt .');
  s2.cached('sha256:2222222222223333');
  const s3 = step(3, 'RUN pip install -r requirements.txt');
  s3.miss('requirements.txt changed');
  s3.log('stdout', 'Collecting flask');
  if (fail) {
    s3.error('RUN_FAILED', 'process "/bin/sh -c pip install -r requirements.txt" did not complete successfully: exit code: 1', { start: 3, end: 3 });
    p.emit({ type: 'build.error', durationMs: 5, code: 'RUN_FAILED', message: 'exit code: 1', range: { start: 3, end: 3 }, excerpt: [{ line: 2, text: 'COPY requirements.txt .' }, { line: 3, text: 'RUN pip install -r requirements.txt' }] });
    return events;
  }
  s3.done({ layer: { digest: 'sha256:aa', diffId: 'sha256:bb', size: 10 }, resultId: 'sha256:3f1e2a9c0b7d99999' });
  const ex = p.vertex('exporting to image', { internal: true });
  ex.status('naming', 'naming to docker.io/library/myapp:v1', { done: true });
  ex.done();
  p.emit({ type: 'build.done', durationMs: 10, imageId: 'sha256:abcdef0123456789', manifestDigest: 'sha256:ff', tags: ['docker.io/library/myapp:v1'] });
  return events;
}

function render(mode: 'plain' | 'classic' | 'json', events: BuildEvent[]): string {
  let out = '';
  const r = createRenderer(mode, (t) => (out += t));
  for (const e of events) r.write(e);
  r.end();
  return out;
}

describe('progress events', () => {
  it('numbers vertices in start order and ends each once', () => {
    const events = sampleBuild();
    const started = events.filter((e) => e.type === 'vertex.started').map((e) => (e as { vertex: number }).vertex);
    expect(started).toEqual([1, 2, 3, 4, 5, 6]);
    const ends = events.filter((e) => e.type === 'vertex.done' || e.type === 'vertex.cached');
    expect(ends).toHaveLength(6);
  });

  it('formats sizes like go-units', () => {
    expect(humanSize(2)).toBe('2B');
    expect(humanSize(32250)).toBe('32.25kB');
    expect(humanSize(15_200_000)).toBe('15.2MB');
  });
});

describe('plain renderer', () => {
  it('prints BuildKit-style vertex blocks', () => {
    const out = render('plain', sampleBuild());
    expect(out).toContain('#1 [internal] load build definition from Dockerfile\n#1 transferring dockerfile: 120B done\n#1 DONE 0.0s\n');
    expect(out).toContain('#2 [internal] load build context\n#2 transferring context: 15.2MB done\n');
    expect(out).toContain('#4 [2/3] COPY requirements.txt .\n#4 CACHED\n');
    expect(out).toMatch(/#5 \[3\/3\] RUN pip install -r requirements.txt\n#5 cache miss: requirements.txt changed\n#5 0\.\d{3} Collecting flask\n#5 DONE \d+\.\ds\n/);
    expect(out).toContain('#6 exporting to image\n#6 naming to docker.io/library/myapp:v1 done\n');
  });

  it('re-prints the header when output switches between vertices', () => {
    const { events, sink } = collect();
    const p = new Progress(sink);
    const a = p.vertex('[a 2/2] RUN a');
    const b = p.vertex('[b 2/2] RUN b');
    a.log('stdout', 'from a');
    b.log('stdout', 'from b');
    const out = render('plain', events);
    expect(out.match(/#1 \[a 2\/2\] RUN a/g)).toHaveLength(2);
    expect(out).toContain('\n\n#2 [b 2/2] RUN b\n#2 ');
  });

  it('shows the failing step, its last output and the Dockerfile excerpt', () => {
    const out = render('plain', sampleBuild(true));
    expect(out).toContain('#5 ERROR: process "/bin/sh -c pip install -r requirements.txt" did not complete successfully: exit code: 1');
    expect(out).toContain(' > [3/3] RUN pip install -r requirements.txt:\n0.');
    expect(out).toContain('Dockerfile:3\n--------------------\n   2 |     COPY requirements.txt .\n   3 | >>> RUN pip install');
    expect(out).toContain('ERROR: failed to solve: exit code: 1');
  });
});

describe('classic renderer', () => {
  it('prints the legacy builder steps', () => {
    const out = render('classic', sampleBuild());
    const lines = out.split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'Sending build context to Docker daemon  15.2MB',
      'Step 1/3 : FROM busybox',
      ' ---> Using cache',
      ' ---> 111111111111',
      'Step 2/3 : COPY requirements.txt .',
      ' ---> Using cache',
      ' ---> 222222222222',
      'Step 3/3 : RUN pip install -r requirements.txt',
    ]);
    expect(lines[8]).toMatch(/^ ---> Running in [0-9a-f]{12}$/);
    expect(lines[9]).toBe('Collecting flask');
    expect(lines[10]).toMatch(/^Removing intermediate container [0-9a-f]{12}$/);
    // the last step's id is the image id, as the legacy builder prints it
    expect(lines.slice(11)).toEqual([' ---> abcdef012345', 'Successfully built abcdef012345', 'Successfully tagged myapp:v1', '']);
  });
});

describe('json renderer', () => {
  it('round-trips through NDJSON, also split mid-line', () => {
    const events = sampleBuild();
    const text = render('json', events);
    const dec = new NdjsonDecoder();
    const back = [...dec.push(text.slice(0, 37)), ...dec.push(text.slice(37))];
    expect(back).toEqual(events);
    expect(render('plain', back)).toBe(render('plain', events));
  });
});
