// The bwrap command line, checked as text: runs anywhere (no root needed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSandboxPlan, writeSandboxFiles } from './sandbox-args.ts';
import { DEFAULT_LIMITS } from './terminal.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-args-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('buildSandboxPlan', () => {
  const repo = path.join(dir, 'repo');
  for (const p of ['bin', 'lib', 'node_modules', 'data']) fs.mkdirSync(path.join(repo, p), { recursive: true });
  fs.writeFileSync(path.join(repo, '.env'), 'SECRET=1');
  fs.writeFileSync(path.join(repo, 'package.json'), '{}');
  writeSandboxFiles(dir);
  const plan = buildSandboxPlan({ stateDir: dir, workspaceDir: '/srv/ws/u1', repoDir: repo, daemonSocket: '/srv/lab.sock', limits: { ...DEFAULT_LIMITS, fileSizeBytes: 10 * 1024 * 1024 }, cgroupProcs: ['/cg/a/cgroup.procs', '/cg/b/cgroup.procs'] });
  const script = plan.args[1]!;

  it('joins every cgroup before exec bwrap, with the file-size limit', () => {
    expect(plan.file).toBe('/bin/sh');
    expect(plan.args.slice(-2)).toEqual(['/cg/a/cgroup.procs', '/cg/b/cgroup.procs']);
    expect(script.indexOf('cgroup')).toBe(-1); // paths come as $@, never spliced into the script
    expect(script).toMatch(/^for f in "\$@"; do echo \$\$ > "\$f" \|\| exit 111; done; ulimit -f 10240; exec bwrap /);
  });

  it('isolates everything, binds only the workspace writable and remounts / read-only', () => {
    expect(script).toContain("'--unshare-all' '--die-with-parent'");
    expect(script).toContain("'--bind' '/srv/ws/u1' '/workspace'");
    expect(script).toContain("'--bind' '/srv/lab.sock' '/run/lab.sock'");
    expect(script).toContain("'--ro-bind' '/usr' '/usr'");
    expect(script).toContain("'--remount-ro' '/'");
    expect(script.match(/'--bind' /g)).toHaveLength(2);
    expect(script).toContain("'--setenv' 'LAB_HOST' 'unix:///run/lab.sock'");
    expect(script).toContain("'--setenv' 'HOME' '/workspace'");
  });

  it('binds code parts of the repo only: never data/ or .env', () => {
    expect(script).toContain(`'--ro-bind' '${repo}/lib' '/opt/lab/lib'`);
    expect(script).not.toContain(`${repo}/data`);
    expect(script).not.toContain('.env');
    expect(script).not.toContain("'/etc/shadow'");
    expect(fs.readFileSync(path.join(dir, 'bin', 'docker'), 'utf8')).toContain('exec node /opt/lab/bin/lab.mjs "$@"');
  });
});

describe('the prebuilt CLI', () => {
  it('is bound read-only at /opt/lab-cli when given, and `docker` prefers it, falling back to bin/lab.mjs', () => {
    const plan = buildSandboxPlan({ stateDir: dir, workspaceDir: '/srv/ws/u1', repoDir: dir, cliDir: '/srv/cli', limits: DEFAULT_LIMITS, cgroupProcs: [] });
    expect(plan.args[1]).toContain("'--ro-bind' '/srv/cli' '/opt/lab-cli'");
    const without = buildSandboxPlan({ stateDir: dir, workspaceDir: '/srv/ws/u1', repoDir: dir, limits: DEFAULT_LIMITS, cgroupProcs: [] });
    expect(without.args[1]).not.toContain('/opt/lab-cli');
    const docker = fs.readFileSync(path.join(dir, 'bin', 'docker'), 'utf8').split('\n');
    const fast = docker.findIndex((l) => l.includes('/opt/lab-cli/lab.mjs'));
    const slow = docker.findIndex((l) => l.includes('/opt/lab/bin/lab.mjs'));
    expect(fast).toBeGreaterThan(0);
    expect(slow).toBeGreaterThan(fast);
  });
});
