// Extended attributes through Debian's `attr` tools (Node has no xattr API): one `getfattr -R`
// per tree instead of one process per file; `setfattr` for the few values we write.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { EngineError } from '../errors.ts';

const execFileP = promisify(execFile);

/** getfattr escapes bytes it does not print as \ooo and a backslash as \\. */
function unescapeName(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && /^[0-7]{3}$/.test(s.slice(i + 1, i + 4))) {
      bytes.push(parseInt(s.slice(i + 1, i + 4), 8));
      i += 3;
    } else if (s[i] === '\\' && s[i + 1] === '\\') {
      bytes.push(0x5c);
      i += 1;
    } else {
      for (const b of Buffer.from(s[i], 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Runs getfattr -d (hex values, never following symlinks) and returns "# file:" path -> name -> hex. */
async function getfattr(args: string[], what: string): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  const text = await new Promise<string>((resolve, reject) => {
    const child = spawn('getfattr', ['-P', '-h', '--absolute-names', '-e', 'hex', '-d', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) =>
      reject(new EngineError('UNAVAILABLE', `cannot run getfattr (install the Debian package "attr"): ${err.message}`, { cause: err })),
    );
    child.on('close', (code) => {
      // exit 1 with only "No such attribute"-like noise is fine; real failures print paths
      if (code !== 0 && /Operation not permitted|Permission denied/.test(stderr)) {
        reject(new EngineError('SNAPSHOT_ERROR', `getfattr failed on ${what}: ${stderr.trim()}`));
      } else resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
  let current: Map<string, string> | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = new Map();
      out.set(unescapeName(Buffer.from(line.slice(8), 'latin1').toString('utf8')), current);
    } else if (current && line.includes('=')) {
      const eq = line.indexOf('=');
      const value = line.slice(eq + 1);
      current.set(line.slice(0, eq), value.startsWith('0x') ? value.slice(2) : Buffer.from(value.replace(/^"|"$/g, '')).toString('hex'));
    }
  }
  for (const [k, v] of out) if (v.size === 0) out.delete(k);
  return out;
}

/**
 * Xattrs matching `pattern` (a getfattr -m regex) for every path under `root`, without
 * following symlinks. Keys are relative POSIX paths ("" = root), values hex strings.
 */
export async function readXattrsRecursive(root: string, pattern: string): Promise<Map<string, Map<string, string>>> {
  const absRoot = path.resolve(root);
  const out = new Map<string, Map<string, string>>();
  for (const [abs, attrs] of await getfattr(['-R', '-m', pattern, root], root)) out.set(path.relative(absRoot, abs).split(path.sep).join('/'), attrs);
  return out;
}

/** The same for a list of absolute paths (keys are those paths), a few hundred per getfattr run. */
export async function readXattrsOf(files: string[], pattern: string): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  for (let i = 0; i < files.length; i += 256) {
    const batch = files.slice(i, i + 256);
    for (const [abs, attrs] of await getfattr(['-m', pattern, '--', ...batch], `${batch.length} files`)) out.set(abs, attrs);
  }
  return out;
}

/** Sets one xattr; `hexValue` is the value's bytes in hex. Does not follow symlinks. */
export async function setXattr(file: string, name: string, hexValue: string): Promise<void> {
  try {
    await execFileP('setfattr', ['-h', '-n', name, '-v', `0x${hexValue}`, file]);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new EngineError('SNAPSHOT_ERROR', `cannot set ${name} on ${file}: ${(e.stderr || e.message).trim()} (needs root and the Debian package "attr")`, { cause: err });
  }
}

let available: boolean | undefined;
/** True when getfattr/setfattr can be run (Debian package `attr`). */
export async function xattrToolsAvailable(): Promise<boolean> {
  if (available === undefined) {
    available = await execFileP('getfattr', ['--version']).then(
      () => true,
      () => false,
    );
  }
  return available;
}

export const OPAQUE_HEX = Buffer.from('y').toString('hex');
