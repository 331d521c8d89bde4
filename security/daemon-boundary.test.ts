// Hostile requests to the namespaced daemon over its real Unix socket (what a student's shell
// has as /run/lab.sock). The daemon must never open a host path the client names: secrets come
// as values and exports go back as streams (BuildKit: session/secrets, the client-side
// exporters of `docker buildx build --output`), the Dockerfile is read only from inside the
// context, and no error shows a host path. Canary files sit in a root-only dir outside any
// context; after each attack they are unchanged and their content appears in no reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openEngine, sweepTmp, type Engine } from '../lib/engine/daemon/engine.ts';
import { startNamespacedDaemon, type NamespacedDaemon } from '../lib/engine/daemon/namespaced-daemon.ts';
import { engineForNamespace } from '../lib/engine/daemon/namespaces.ts';
import { overlayUnavailableReason } from '../lib/engine/executor/testing/busybox-rootfs.ts';
import { readTar } from '../lib/engine/layer/testing.ts';
import { contextTar, lines, request, type Reply } from './daemon-boundary-harness.ts';

const cannotBuild = overlayUnavailableReason();
if (cannotBuild) console.warn(`daemon-boundary security tests skipped: ${cannotBuild}`);
const run = promisify(execFile);

describe.skipIf(!!cannotBuild)('daemon boundary: the daemon opens no host path a client names', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-sec-daemon-'));
  const canaryDir = path.join(tmp, 'canary');
  const canary = path.join(canaryDir, 'shadow');
  const CANARY = 'CANARY-3f9a1c-root-only-content';
  let engine: Engine;
  let daemon: NamespacedDaemon;
  let sock: string;
  const hostPrefixes = () => [engine.root, tmp, path.join(tmp, 'sockets')];

  const build = (q: string, entries: Parameters<typeof contextTar>[0], headers: Record<string, string> = {}) =>
    contextTar(entries).then((body) => request(sock, 'POST', `/build?${q}`, body, { 'Content-Type': 'application/x-tar', ...headers }));
  const expectNoLeak = (r: Reply) => {
    expect(r.text).not.toContain(CANARY);
    for (const p of hostPrefixes()) expect(r.text).not.toContain(p);
  };
  const expectCanaryIntact = async () => {
    expect(fs.readFileSync(canary, 'utf8')).toBe(CANARY);
    expect(fs.readdirSync(canaryDir)).toEqual(['shadow']);
    expect((await request(sock, 'GET', '/_ping')).text).toBe('OK'); // and the daemon keeps answering
  };

  /** The CLI as the student runs it in the shell: talking to the socket, no engine of its own. */
  const labIn = (work: string, args: string[]) =>
    run(process.execPath, [path.resolve('bin/lab.mjs'), ...args], { env: { ...process.env, LAB_HOST: `unix://${sock}`, LAB_ROOT: path.join(work, 'no-such-root') }, cwd: work }).then(
      (r) => ({ ...r, code: 0 }),
      (e) => ({ stdout: e.stdout as string, stderr: e.stderr as string, code: e.code as number }),
    );

  beforeAll(async () => {
    fs.mkdirSync(canaryDir, { mode: 0o700 });
    fs.writeFileSync(canary, CANARY, { mode: 0o600 });
    engine = await openEngine({ root: path.join(tmp, 'root') });
    daemon = await startNamespacedDaemon({ engine, socketDir: path.join(tmp, 'sockets') });
    sock = await daemon.socketFor('mallory');
  }, 120_000);

  afterAll(async () => {
    await daemon?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('secret src=/host/path in the query is refused; nothing is read', async () => {
    const r = await build(`secrets=${encodeURIComponent(JSON.stringify({ s: canary }))}`, [{ name: 'Dockerfile', body: 'FROM busybox\nRUN --mount=type=secret,id=s cat /run/secrets/s\n' }]);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/reads no client-named file/) });
    expectNoLeak(r);
    await expectCanaryIntact();
  }, 60_000);

  it('a secret is its value: a path sent in X-Lab-Secrets stays a string, the file is not opened', async () => {
    const header = `s:${Buffer.from(canary).toString('base64')}`;
    const r = await build('', [{ name: 'Dockerfile', body: 'FROM busybox\nRUN --mount=type=secret,id=s cat /run/secrets/s\n' }], { 'X-Lab-Secrets': header });
    const ev = lines(r.text);
    expect(ev.at(-1)?.type).toBe('build.done');
    expect(r.text).not.toContain(CANARY);
    expect(ev.some((e) => e.type === 'vertex.log' && String(e.line ?? e.text ?? JSON.stringify(e)).includes('shadow'))).toBe(true);
    await expectCanaryIntact();
  }, 60_000);

  it('an oversized secret is refused with 413 (BuildKit caps a secret at 500 KiB)', async () => {
    const header = `big:${Buffer.alloc(600 * 1024, 1).toString('base64')}`;
    const r = await build('', [{ name: 'Dockerfile', body: 'FROM busybox\n' }], { 'X-Lab-Secrets': header });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.text).message).toMatch(/at most 512000/);
    await expectCanaryIntact();
  }, 60_000);

  it('an oversized Dockerfile header and a secret id that looks like a path are refused up front', async () => {
    const big = Buffer.alloc(2100 * 1024, 0x23).toString('base64'); // "#" lines: over 2 MiB of comment
    const r1 = await build('', [], { 'X-Lab-Dockerfile': big });
    expect(r1.status).toBe(413);
    expect(JSON.parse(r1.text).message).toMatch(/LAB_MAX_DOCKERFILE_BYTES/);
    const r2 = await build('', [{ name: 'Dockerfile', body: 'FROM busybox\n' }], { 'X-Lab-Secrets': `../../shadow:${Buffer.from('x').toString('base64')}` });
    expect(r2.status).toBe(400);
    expectNoLeak(r2);
    await expectCanaryIntact();
  }, 60_000);

  it('output dest=/host/path is refused: the daemon writes nothing there', async () => {
    const target = path.join(canaryDir, 'owned.tar');
    for (const outputs of [[{ type: 'oci', dest: target }], [{ type: 'docker', attrs: { dest: target } }], [{ type: 'local', dest: canaryDir }]]) {
      const r = await build(`outputs=${encodeURIComponent(JSON.stringify(outputs))}`, [{ name: 'Dockerfile', body: 'FROM busybox\n' }]);
      expect(r.status).toBe(400);
      expectNoLeak(r);
    }
    expect(fs.existsSync(target)).toBe(false);
    await expectCanaryIntact();
  }, 60_000);

  it('output type=oci comes back as a stream in the reply (the client writes it), and nothing is left in the daemon tmp', async () => {
    const r = await build(`outputs=${encodeURIComponent('[{"type":"oci"}]')}&t=exp:1`, [{ name: 'Dockerfile', body: 'FROM busybox\nRUN echo hi > /hi\n' }]);
    const ev = lines(r.text);
    expect(ev.at(-1)?.type).toBe('build.done');
    const data = Buffer.concat(ev.filter((e) => e.type === 'export.data').map((e) => Buffer.from(String(e.data), 'base64')));
    expect(ev.filter((e) => e.type === 'export.end')).toHaveLength(1);
    const names = (await readTar(data)).map((e) => e.name);
    expect(names).toContain('oci-layout');
    expect(names).toContain('index.json');
    expect(fs.readdirSync(engine.tmpDir).filter((n) => /^(context|export)-/.test(n))).toEqual([]);
    await expectCanaryIntact();
  }, 60_000);

  it('dockerfile=../../.. escapes are refused with the relative name only', async () => {
    const rel = path.relative('/', canary);
    for (const name of [`../../../../../../${rel}`, canary, `sub/../../${rel}`]) {
      const r = await build(`dockerfile=${encodeURIComponent(name)}`, [{ name: 'Dockerfile', body: 'FROM busybox\n' }]);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text).code).toBe('CONTEXT_ESCAPE');
      // the message may quote the name the client sent itself, nothing else of the host
      expectNoLeak({ ...r, text: r.text.replace(JSON.stringify(name).slice(1, -1), '') });
    }
    await expectCanaryIntact();
  }, 60_000);

  it('a Dockerfile that is a symlink out of the context is refused, not followed', async () => {
    for (const linkname of [canary, `../../../../../../../..${canary}`]) {
      const r = await build('dockerfile=Dockerfile', [{ name: 'Dockerfile', type: 'symlink', linkname }]);
      const ev = lines(r.text);
      expect(ev.at(-1)).toMatchObject({ type: 'build.error', code: expect.stringMatching(/CONTEXT_ESCAPE|UNSAFE_ARCHIVE|NOT_FOUND/) });
      expectNoLeak(r);
    }
    // a directory symlink in the middle of the path too
    const r = await build('dockerfile=d/shadow', [{ name: 'd', type: 'symlink', linkname: canaryDir }]);
    expect(lines(r.text).at(-1)?.type).toBe('build.error');
    expectNoLeak(r);
    await expectCanaryIntact();
  }, 60_000);

  it('a .dockerignore (or <Dockerfile>.dockerignore) that is a symlink out of the context is refused, not read', async () => {
    for (const [q, name] of [['', '.dockerignore'], ['dockerfile=app.Dockerfile', 'app.Dockerfile.dockerignore']] as const) {
      const r = await build(q, [
        { name: q ? 'app.Dockerfile' : 'Dockerfile', body: 'FROM scratch\nCOPY . /ctx/\n' },
        { name: 'a.txt', body: 'a' },
        { name, type: 'symlink', linkname: canary },
      ]);
      expect(lines(r.text).at(-1)).toMatchObject({ type: 'build.error', code: 'CONTEXT_ESCAPE', message: expect.stringContaining(`${name} is a symbolic link that leads outside the build context`) });
      expectNoLeak(r);
    }
    await expectCanaryIntact();
  }, 60_000);

  it('failing requests answer without any host path (LAB_ROOT, tmp, socket dir)', async () => {
    const replies: Reply[] = [
      await build('dockerfile=missing.Dockerfile', [{ name: 'Dockerfile', body: 'FROM busybox\n' }]),
      await build('', [{ name: 'Dockerfile', body: 'FROM busybox\nCOPY nope.txt /\n' }]),
      await build('', [{ name: 'Dockerfile', body: 'FROM busybox\nCOPY ../../etc/passwd /\n' }]),
      await build('', [{ name: 'Dockerfile', body: 'FROM nosuchimage:1\n' }]),
      await build('', [{ name: 'Dockerfile', body: 'FROM busybox\nRUN exit 3\n' }]),
      await request(sock, 'GET', '/images/nosuch/json'),
      await request(sock, 'GET', '/images/get?names=nosuch'),
      await request(sock, 'POST', '/images/load', Buffer.from('not a tar at all'.repeat(64))),
      await request(sock, 'POST', '/build?buildargs=%7Bbad'),
    ];
    for (const r of replies) {
      expect(r.status === 200 ? lines(r.text).at(-1)?.type : r.status).not.toBe('build.done');
      expectNoLeak(r);
      expect(r.text).not.toMatch(/context-\d+-/);
    }
    await expectCanaryIntact();
  }, 120_000);

  it('docker save of an image whose blob is corrupted on disk names the corrupt digest (no ECONNRESET)', async () => {
    const r0 = await build('t=corrupt:1', [{ name: 'Dockerfile', body: 'FROM busybox\nRUN echo only-this-image > /mine\n' }]);
    expect(lines(r0.text).at(-1)?.type).toBe('build.done');
    const img = await engineForNamespace(engine, 'mallory').images.get('corrupt:1');
    const layer = img.manifest.layers.at(-1)!.digest;
    const blob = path.join(engine.content.root, 'blobs', 'sha256', layer.slice(7));
    const size = fs.statSync(blob).size;
    fs.writeFileSync(blob, Buffer.alloc(size, 0x41));
    const r = await request(sock, 'GET', '/images/get?names=corrupt:1');
    expect(r.status).toBe(500);
    expect(JSON.parse(r.text)).toMatchObject({ code: 'DIGEST_MISMATCH', message: expect.stringContaining(layer) });
    expectNoLeak(r);
    await expectCanaryIntact();
  }, 60_000);

  it('context temp files of a crashed daemon are swept at start-up; a live owner keeps its own', async () => {
    const dead = path.join(engine.tmpDir, 'context-999999999-deadbeef.tar');
    const deadDir = path.join(engine.tmpDir, 'context-999999999-x');
    const mine = path.join(engine.tmpDir, `context-${process.pid}-live.tar`);
    fs.writeFileSync(dead, 'x');
    fs.mkdirSync(deadDir);
    fs.writeFileSync(mine, 'x');
    await sweepTmp(engine.tmpDir, 3600_000);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(deadDir)).toBe(false);
    expect(fs.existsSync(mine)).toBe(true);
    fs.rmSync(mine);
  });

  it('through the CLI as a student runs it: --secret src= and -o are read and written by the CLI, not the daemon', async () => {
    const work = fs.mkdtempSync(path.join(tmp, 'student-'));
    const ctx = path.join(work, 'ctx');
    fs.mkdirSync(ctx);
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM busybox\nRUN --mount=type=secret,id=tok test "$(cat /run/secrets/tok)" = student-token && echo ok > /ok\n');
    fs.writeFileSync(path.join(work, 'tok.txt'), 'student-token');
    const lab = (args: string[]) => labIn(work, args);
    const oci = path.join(work, 'img.oci.tar');
    const ok = await lab(['build', '--secret', `id=tok,src=${path.join(work, 'tok.txt')}`, '-o', `type=oci,dest=${oci}`, ctx]);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await readTar(fs.readFileSync(oci))).map((e) => e.name)).toContain('oci-layout');
    const local = path.join(work, 'rootfs');
    const loc = await lab(['build', '--secret', `id=tok,src=${path.join(work, 'tok.txt')}`, '-o', `type=local,dest=${local}`, ctx]);
    expect(loc.code, loc.stderr).toBe(0);
    expect(fs.readFileSync(path.join(local, 'ok'), 'utf8')).toBe('ok\n');
    // the CLI reads src= with its own rights: a path only the daemon could see is the CLI's own problem
    const bad = await lab(['build', '--secret', `id=tok,src=${path.join(work, 'nope')}`, ctx]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/cannot read .*nope: no such file/);
    expect(fs.readdirSync(work).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    await expectCanaryIntact();
  }, 180_000);

  // BuildKit sends the Dockerfile apart from the context (the "dockerfile" local source) and
  // reads .dockerignore before filtering, so listing either in .dockerignore neither stops the
  // build nor lets COPY . copy them (docs: "Build context" > ".dockerignore files").
  it('through the CLI: a .dockerignore that lists Dockerfile and .dockerignore still builds, and COPY . leaves both out', async () => {
    const work = fs.mkdtempSync(path.join(tmp, 'student-'));
    const ctx = path.join(work, 'ctx');
    fs.mkdirSync(ctx);
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY . /app/\n');
    fs.writeFileSync(path.join(ctx, '.dockerignore'), 'Dockerfile\n.dockerignore\n*.log\n');
    fs.writeFileSync(path.join(ctx, 'main.py'), 'print(1)\n');
    fs.writeFileSync(path.join(ctx, 'debug.log'), 'noise');
    const out = path.join(work, 'rootfs');
    const r = await labIn(work, ['build', '-o', `type=local,dest=${out}`, ctx]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(path.join(out, 'app')).sort()).toEqual(['main.py']);
  }, 120_000);
});
