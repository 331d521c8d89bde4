// Run a host tool (runc, mount, umount) and collect its output.
import { spawn } from 'node:child_process';

export interface CommandResult { code: number; stdout: string; stderr: string }

export function hostCommand(bin: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // the tool may exit without reading
      child.stdin.end(opts.input);
    }
  });
}

/** Mount points at or below `dir`, deepest first (from /proc/self/mountinfo). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const { readFile } = await import('node:fs/promises');
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  const out: string[] = [];
  for (const line of info.split('\n')) {
    const f = line.split(' ');
    if (f.length < 5) continue;
    const mp = f[4].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (mp === dir || mp.startsWith(dir.endsWith('/') ? dir : dir + '/')) out.push(mp);
  }
  return out.sort((a, b) => b.length - a.length);
}

/** Unmount everything at or below `dir` (lazy as a last resort). */
export async function unmountAllUnder(dir: string): Promise<void> {
  for (const mp of await mountsUnder(dir)) {
    const r = await hostCommand('umount', [mp]);
    if (r.code !== 0) await hostCommand('umount', ['-l', mp]);
  }
}
