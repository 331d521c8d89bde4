// The bubblewrap command line for one shell, plus the small files it binds in (generated /etc,
// the `docker` wrapper). Pure apart from writing those files into `stateDir`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxLimits } from './terminal.ts';

export const SANDBOX_UID = 1000;
export const REPO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The repo parts the CLI needs; data/, .env and the rest stay invisible. */
const REPO_PARTS = ['bin', 'lib', 'node_modules', 'package.json', 'tsconfig.json'];
/** Host /etc files that programs read and that hold nothing private. */
const ETC_FILES = ['ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'alternatives', 'bash.bashrc', 'profile', 'inputrc', 'terminfo', 'localtime', 'nanorc', 'vim', 'mime.types', 'ssl', 'ca-certificates'];

export interface SandboxPlan {
  /** argv for node-pty: /bin/sh joining the cgroup, then exec bwrap … bash. */
  file: string;
  args: string[];
}

export function writeSandboxFiles(stateDir: string): void {
  const etc = path.join(stateDir, 'etc');
  fs.mkdirSync(etc, { recursive: true });
  fs.writeFileSync(path.join(etc, 'passwd'), `root:x:0:0:root:/root:/bin/bash\nstudent:x:${SANDBOX_UID}:${SANDBOX_UID}:student:/workspace:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`);
  fs.writeFileSync(path.join(etc, 'group'), `root:x:0:\nstudent:x:${SANDBOX_UID}:\nnogroup:x:65534:\n`);
  fs.writeFileSync(path.join(etc, 'hostname'), 'lab\n');
  fs.writeFileSync(path.join(etc, 'hosts'), '127.0.0.1 localhost lab\n::1 localhost\n');
  fs.writeFileSync(path.join(etc, 'nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files\n');
  const bin = path.join(stateDir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  // the prebuilt CLI when the server bound one in (fast start), else the TypeScript one via tsx
  const run = '[ -f /opt/lab-cli/lab.mjs ] && exec node /opt/lab-cli/lab.mjs "$@"\nexec node /opt/lab/bin/lab.mjs "$@"\n';
  fs.writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\n# the lab CLI; it reaches the build daemon only through $LAB_HOST\nexport LAB_PROG=docker\n${run}`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'lab'), `#!/bin/sh\n${run}`, { mode: 0o755 });
}

export function buildSandboxPlan(opts: {
  stateDir: string;
  workspaceDir: string;
  repoDir: string;
  daemonSocket?: string;
  cliDir?: string;
  limits: SandboxLimits;
  cgroupProcs: string[];
  env?: Record<string, string>;
}): SandboxPlan {
  const a: string[] = ['--unshare-all', '--die-with-parent', '--unshare-user', '--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_UID), '--hostname', 'lab'];
  a.push('--ro-bind', '/usr', '/usr');
  for (const top of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
    const host = `/${top}`;
    let st: fs.Stats;
    try { st = fs.lstatSync(host); } catch { continue; }
    if (st.isSymbolicLink()) a.push('--symlink', fs.readlinkSync(host), host);
    else a.push('--ro-bind', host, host);
  }
  a.push('--proc', '/proc', '--dev', '/dev');
  a.push('--size', String(opts.limits.tmpBytes), '--tmpfs', '/tmp');
  a.push('--dir', '/etc');
  for (const f of ETC_FILES) if (fs.existsSync(`/etc/${f}`)) a.push('--ro-bind', `/etc/${f}`, `/etc/${f}`);
  for (const f of ['passwd', 'group', 'hostname', 'hosts', 'nsswitch.conf']) a.push('--ro-bind', path.join(opts.stateDir, 'etc', f), `/etc/${f}`);
  for (const part of REPO_PARTS) {
    const host = path.join(opts.repoDir, part);
    if (fs.existsSync(host)) a.push('--ro-bind', host, `/opt/lab/${part}`);
  }
  a.push('--ro-bind', path.join(opts.stateDir, 'bin'), '/opt/lab-bin');
  if (opts.cliDir) a.push('--ro-bind', opts.cliDir, '/opt/lab-cli');
  a.push('--dir', '/run');
  if (opts.daemonSocket) a.push('--bind', opts.daemonSocket, '/run/lab.sock');
  a.push('--bind', opts.workspaceDir, '/workspace', '--chdir', '/workspace');
  a.push('--remount-ro', '/');
  const env: Record<string, string> = {
    PATH: '/opt/lab-bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    HOME: '/workspace',
    USER: 'student',
    LOGNAME: 'student',
    SHELL: '/bin/bash',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    LAB_HOST: 'unix:///run/lab.sock',
    LAB_ROOT: '/nonexistent',
    PS1: '\\u@lab:\\w\\$ ',
    ...opts.env,
  };
  a.push('--clearenv');
  for (const [k, v] of Object.entries(env)) a.push('--setenv', k, v);
  a.push('/bin/bash');
  const fsizeBlocks = Math.max(1, Math.floor(opts.limits.fileSizeBytes / 1024));
  // $@ = cgroup.procs files; the shell joins them, caps file size, then becomes bwrap.
  const script = `for f in "$@"; do echo $$ > "$f" || exit 111; done; ulimit -f ${fsizeBlocks}; exec bwrap ${a.map(shq).join(' ')}`;
  return { file: '/bin/sh', args: ['-c', script, 'lab-shell', ...opts.cgroupProcs] };
}

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
