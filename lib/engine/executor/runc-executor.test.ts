// The runner against real runc: output, env/cwd/user, exit codes, stdin, cancel.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../errors.ts';
import { makeBusyboxRootfs, runcUnavailableReason } from './testing/busybox-rootfs.ts';
import { createHarness, runCollect, type Harness } from './testing/harness.ts';
import { RuncExecutor } from './runc-executor.ts';

const skip = runcUnavailableReason();
if (skip) console.warn(`[executor] skipping runc tests: ${skip}`);

describe.skipIf(!!skip)('RuncExecutor.run', () => {
  let h: Harness;
  beforeAll(() => {
    h = createHarness('run');
  });
  afterEach(() => h.assertClean());
  afterAll(() => h?.dispose());

  it('streams stdout and stderr line by line', async () => {
    const r = await runCollect(h, { args: ['/bin/sh', '-c', 'echo hello; echo oops >&2; printf "a\\nb"; echo x >&2'] });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toEqual(['hello', 'a', 'b']);
    expect(r.stderr).toEqual(['oops', 'x']);
    expect(r.result?.containerId).toMatch(new RegExp(`^lab-${process.pid}-[0-9a-f]{16}$`)); // owner pid: see sweep.ts
  });

  it('passes args verbatim (exec form, no shell word splitting)', async () => {
    const r = await runCollect(h, { args: ['/bin/echo', 'a  b', '$HOME', '"q"'] });
    expect(r.stdout).toEqual(['a  b $HOME "q"']);
  });

  it('applies env, creates a missing cwd owned by the user, and runs as a named user with groups', async () => {
    const r = await runCollect(h, {
      args: ['/bin/sh', '-c', 'echo "$FOO|$HOME|$(pwd)"; id -u; id -g; id -G; touch mine'],
      env: ['FOO=bar baz'], cwd: '/srv/app/data', user: 'app',
    });
    expect(r.error).toBeUndefined();
    expect(r.stdout[0]).toBe('bar baz|/home/app|/srv/app/data');
    expect(r.stdout.slice(1, 3)).toEqual(['1000', '1000']);
    expect(r.stdout[3].split(' ').map(Number).sort((a, b) => a - b)).toEqual([29, 50, 1000]);
    const st = fs.statSync(path.join(h.rootfs, 'srv/app/data/mine'));
    expect([st.uid, st.gid]).toEqual([1000, 1000]);
    expect(fs.statSync(path.join(h.rootfs, 'srv/app/data')).uid).toBe(1000);
  });

  it('accepts numeric uid:gid unknown to /etc/passwd, and user:group by name', async () => {
    const a = await runCollect(h, { args: ['/bin/sh', '-c', 'id -u; id -g; echo $HOME'], user: '4242:4343' });
    expect(a.stdout).toEqual(['4242', '4343', '/']);
    const b = await runCollect(h, { args: ['/bin/sh', '-c', 'id -u; id -g'], user: 'app:www-data' });
    expect(b.stdout).toEqual(['1000', '33']);
  });

  it('fails with USER_NOT_FOUND before starting anything for an unknown user', async () => {
    const r = await runCollect(h, { args: ['true'], user: 'ghost' });
    expect(r.error?.code).toBe(ErrorCodes.USER_NOT_FOUND);
    expect(r.error?.message).toMatch(/unable to find user ghost/);
  });

  it('fails with RUN_FAILED carrying the command, exit code and last output lines', async () => {
    const r = await runCollect(h, {
      args: ['/bin/sh', '-c', 'for i in $(seq 1 30); do echo line$i; done; exit 7'],
      displayCommand: '/bin/sh -c make all',
    });
    expect(r.error?.code).toBe(ErrorCodes.RUN_FAILED);
    expect(r.error?.exitCode).toBe(7);
    expect(r.error?.reason).toBe('exit');
    expect(r.error?.command).toBe('/bin/sh -c make all');
    expect(r.error?.lastLines.at(-1)).toBe('line30');
    expect(r.error?.lastLines.length).toBe(20);
    expect(r.error?.message).toContain('process "/bin/sh -c make all" did not complete successfully: exit code: 7');
    expect(r.error?.message).toContain('line30');
  });

  it('reports a missing executable the way runc words it', async () => {
    const r = await runCollect(h, { args: ['no-such-tool', '--x'] });
    expect(r.error?.code).toBe(ErrorCodes.RUN_FAILED);
    expect(r.error?.reason).toBe('runtime');
    expect(r.error?.message).toMatch(/exec: "no-such-tool": executable file not found in \$PATH/);
    expect(r.stderr.join('\n')).not.toMatch(/runc run failed/);
  });

  it('runs concurrently (one rootfs each), every run with a new container id', async () => {
    const second = makeBusyboxRootfs(path.join(h.base, 'rootfs2'));
    const [a, b] = await Promise.all([
      h.executor.run({ rootfs: h.rootfs, args: ['sleep', '0.3'] }),
      h.executor.run({ rootfs: second, args: ['sleep', '0.3'] }),
    ]);
    expect(a.containerId).not.toBe(b.containerId);
  });

  it('refuses a second run on a rootfs that is in use (stubs would clash)', async () => {
    const first = h.executor.run({ rootfs: h.rootfs, args: ['sleep', '0.3'] });
    const second = runCollect(h, { args: ['true'] });
    expect((await second).error?.code).toBe(ErrorCodes.FAILED_PRECONDITION);
    await first;
  });

  it('stops the container when the caller aborts', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const t0 = Date.now();
    const r = await runCollect(h, { args: ['sleep', '60'], signal: ac.signal });
    expect(r.error?.reason).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe.skipIf(!!skip)('RuncExecutor.runContainer', () => {
  let h: Harness;
  beforeAll(() => {
    h = createHarness('ctr');
  });
  afterEach(() => h.assertClean());
  afterAll(() => h?.dispose());

  it('pipes stdin and returns any exit code', async () => {
    const out: string[] = [];
    const r = await h.executor.runContainer({
      rootfs: h.rootfs, args: ['/bin/sh', '-c', 'tr a-z A-Z; exit 3'], stdin: 'hello\nworld\n', onStdout: (l) => out.push(l),
    });
    expect(out).toEqual(['HELLO', 'WORLD']);
    expect(r.exitCode).toBe(3);
    expect(r.truncated).toBe(false);
  });
});

describe('RuncExecutor without a usable runtime', () => {
  it('fails with UNAVAILABLE naming the runc package, and leaves the rootfs as it was', async () => {
    const os = await import('node:os');
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-exec-norunc-'));
    try {
      const rootfs = path.join(base, 'rootfs');
      fs.mkdirSync(rootfs);
      const ex = new RuncExecutor({ root: path.join(base, 'state'), runc: path.join(base, 'no-such-runc') });
      await expect(ex.run({ rootfs, args: ['true'] })).rejects.toMatchObject({ code: ErrorCodes.UNAVAILABLE, message: expect.stringMatching(/runc package/) });
      expect(fs.readdirSync(rootfs)).toEqual([]);
      expect(fs.readdirSync(ex.containersDir)).toEqual([]);
      await expect(ex.run({ rootfs: path.join(base, 'missing'), args: ['true'] })).rejects.toMatchObject({ code: ErrorCodes.NOT_FOUND });
      await expect(ex.run({ rootfs, args: [] })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
