// Test helpers: a busybox root filesystem in a temp dir (the IMAGE engineer's base image is
// not needed for executor tests), an OverlayFS mount on top of it, and the capability probe.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BUSYBOX = '/bin/busybox';

/** Why runc-based tests cannot run here, or undefined when they can. */
export function runcUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (runc containers and mounts)';
  try {
    execFileSync('runc', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'runc is not installed (apt-get install runc)';
  }
  if (!fs.existsSync(BUSYBOX)) return `${BUSYBOX} missing (apt-get install busybox-static)`;
  if (!isStaticElf(BUSYBOX)) return `${BUSYBOX} is not statically linked (apt-get install busybox-static)`;
  return undefined;
}

/** A 64-bit little-endian ELF without a PT_INTERP program header needs no dynamic loader. */
function isStaticElf(file: string): boolean {
  const b = fs.readFileSync(file);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) return false;
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    if (b.readUInt32LE(phoff + i * phentsize) === 3) return false; // PT_INTERP
  }
  return true;
}

/** Why overlay tests cannot run, or undefined. */
export function overlayUnavailableReason(): string | undefined {
  const r = runcUnavailableReason();
  if (r) return r;
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-ovl-probe-'));
  try {
    const ov = mountOverlay(base + '/lower', base);
    ov.unmount();
    return undefined;
  } catch (err) {
    return `OverlayFS mount refused: ${(err as Error).message}`;
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

/** A minimal busybox rootfs like the official image: /bin applets, /etc passwd+group, /tmp. */
export function makeBusyboxRootfs(dir: string): string {
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.copyFileSync(BUSYBOX, path.join(dir, 'bin', 'busybox'));
  fs.chmodSync(path.join(dir, 'bin', 'busybox'), 0o755);
  const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const a of applets) {
    const link = path.join(dir, 'bin', a);
    if (a !== 'busybox' && !fs.existsSync(link)) fs.symlinkSync('busybox', link);
  }
  for (const d of ['etc', 'root', 'home', 'var', 'usr']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.mkdirSync(path.join(dir, 'tmp'), { mode: 0o1777 });
  fs.chmodSync(path.join(dir, 'tmp'), 0o1777);
  fs.chmodSync(path.join(dir, 'root'), 0o700);
  fs.writeFileSync(
    path.join(dir, 'etc', 'passwd'),
    ['root:x:0:0:root:/root:/bin/sh', 'daemon:x:1:1:daemon:/usr/sbin:/bin/false', 'bin:x:2:2:bin:/bin:/bin/false',
      'www-data:x:33:33:www-data:/var/www:/bin/false', 'app:x:1000:1000:app:/home/app:/bin/sh',
      'nobody:x:65534:65534:nobody:/home:/bin/false', ''].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'etc', 'group'),
    ['root:x:0:', 'daemon:x:1:', 'bin:x:2:', 'www-data:x:33:', 'app:x:1000:', 'staff:x:50:app', 'audio:x:29:app,root',
      'nogroup:x:65534:', ''].join('\n'),
  );
  return dir;
}

export interface OverlayMount {
  merged: string;
  upper: string;
  unmount(): void;
}

/** `mount -t overlay` with `lower` read-only and a fresh upperdir under `base`. */
export function mountOverlay(lower: string, base: string): OverlayMount {
  fs.mkdirSync(lower, { recursive: true });
  const upper = path.join(base, 'upper');
  const work = path.join(base, 'work');
  const merged = path.join(base, 'merged');
  for (const d of [upper, work, merged]) fs.mkdirSync(d, { recursive: true });
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged], { stdio: 'pipe' });
  return {
    merged,
    upper,
    unmount() {
      try {
        execFileSync('umount', [merged], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', merged], { stdio: 'pipe' });
      }
    },
  };
}

/** Everything in a directory tree, relative paths, sorted (for upperdir assertions). */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      if (e.isDirectory()) walk(path.join(d, e.name), r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Our containers still known to runc under `stateRoot` (should be none after each test). */
export function listContainers(stateRoot: string): string[] {
  try {
    const out = execFileSync('runc', ['--root', stateRoot, 'list', '-q'], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** Mount points below a directory (should be none after each test). */
export function mountsBelow(dir: string): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((mp): mp is string => !!mp && (mp === dir || mp.startsWith(dir + '/')));
}

/** Host processes whose root directory is inside `dir` (container processes left behind). */
export function processesRootedIn(dir: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const root = fs.readlinkSync(`/proc/${name}/root`);
      if (root === dir || root.startsWith(dir + '/')) out.push(Number(name));
    } catch {
      // exited or not ours to read
    }
  }
  return out;
}
