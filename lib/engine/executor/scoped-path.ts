// Resolve a container path to a host path inside a rootfs without ever leaving it: symlinks
// are followed as the container would see them (absolute targets start at the rootfs),
// and ".." stops at the root. Like securejoin in runc/BuildKit.
import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError, ErrorCodes } from '../errors.ts';

const MAX_LINKS = 255;
/** /etc/passwd and friends are small; a huge one is not read. */
const MAX_READ = 8 * 1024 * 1024;

/** Host path of `p` inside `root`, following symlinks in every component, scoped to `root`. */
export async function resolveInRoot(root: string, p: string): Promise<string> {
  const pending = splitPath(p);
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.' || part === '') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const host = path.join(root, ...done, part);
    let st;
    try {
      st = await fs.lstat(host);
    } catch {
      // Missing: the rest is taken literally (callers may create it).
      done.push(part, ...pending.filter((x) => x !== '' && x !== '.'));
      return path.join(root, ...normalise(done));
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) {
        throw new EngineError(ErrorCodes.INVALID_INPUT, `too many levels of symbolic links resolving ${p}`);
      }
      const target = await fs.readlink(host);
      if (target.startsWith('/')) done.length = 0;
      pending.unshift(...splitPath(target));
      continue;
    }
    done.push(part);
  }
  return path.join(root, ...done);
}

function splitPath(p: string): string[] {
  return p.split('/').filter((x) => x !== '');
}

function normalise(parts: string[]): string[] {
  const out: string[] = [];
  for (const x of parts) {
    if (x === '..') out.pop();
    else if (x !== '.') out.push(x);
  }
  return out;
}

/** Read a file inside the rootfs (scoped), or undefined when it does not exist. */
export async function readFileInRoot(root: string, p: string): Promise<string | undefined> {
  const host = await resolveInRoot(root, p);
  try {
    const st = await fs.stat(host);
    if (!st.isFile() || st.size > MAX_READ) return undefined;
    return await fs.readFile(host, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * mkdir -p inside the rootfs, component by component so that a symlink planted in the
 * path cannot redirect the creation outside. Returns the host path.
 */
export async function mkdirAllInRoot(root: string, p: string, mode = 0o755, uid = 0, gid = 0): Promise<string> {
  let cur = '/';
  for (const part of splitPath(p)) {
    const next = path.posix.join(cur, part);
    const host = await resolveInRoot(root, next);
    try {
      const st = await fs.stat(host);
      if (!st.isDirectory()) {
        throw new EngineError(ErrorCodes.INVALID_INPUT, `cannot create directory ${p}: ${next} exists and is not a directory`);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // everything above `host` exists and was resolved inside the root
      await fs.mkdir(host, { mode, recursive: true });
      await fs.chmod(host, mode);
      if (uid !== 0 || gid !== 0) await fs.chown(host, uid, gid);
    }
    cur = path.relative(root, host) === '' ? '/' : '/' + path.relative(root, host);
  }
  return resolveInRoot(root, p);
}
