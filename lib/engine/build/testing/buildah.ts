// buildah as the reference builder: its own storage in a temp dir, our busybox imported into
// it, `buildah bud --isolation chroot --layers`, then `buildah push --format v2s2 dir:` to read
// the layers and the docker config (which keeps Healthcheck and Shell).
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function buildahMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  try {
    execFileSync('buildah', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'buildah is not installed (apt-get install buildah)';
  }
}

export class Buildah {
  constructor(private readonly dir: string) {}

  private args(): string[] {
    return ['--root', path.join(this.dir, 'storage'), '--runroot', path.join(this.dir, 'run'), '--storage-driver', 'vfs'];
  }

  async cmd(args: string[], timeout = 600_000): Promise<string> {
    const { stdout } = await run('buildah', [...this.args(), ...args], { maxBuffer: 64 << 20, timeout });
    return stdout;
  }

  /** Imports a docker-archive (our busybox) so `FROM busybox` resolves locally. */
  async load(archive: string): Promise<void> {
    await this.cmd(['pull', '-q', `docker-archive:${archive}`]);
  }

  async build(context: string, opts: { tag: string; buildArgs?: Record<string, string>; target?: string }): Promise<void> {
    const a = ['bud', '--isolation', 'chroot', '--layers', '--format', 'docker', '-q', '-t', opts.tag];
    for (const [k, v] of Object.entries(opts.buildArgs ?? {})) a.push('--build-arg', `${k}=${v}`);
    if (opts.target) a.push('--target', opts.target);
    a.push(context);
    await this.cmd(a);
  }

  /** Layers (as stored blobs) and the config of a built image. */
  async read(tag: string): Promise<{ layers: Buffer[]; config: Record<string, unknown> }> {
    const out = path.join(this.dir, `push-${tag.replace(/[^a-z0-9]/gi, '_')}`);
    await fs.rm(out, { recursive: true, force: true });
    await this.cmd(['push', '-q', '--format', 'v2s2', tag, `dir:${out}`]);
    const manifest = JSON.parse(await fs.readFile(path.join(out, 'manifest.json'), 'utf8'));
    const blob = (d: string) => fs.readFile(path.join(out, d.slice(7)));
    const config = JSON.parse((await blob(manifest.config.digest)).toString('utf8'));
    const layers = await Promise.all(manifest.layers.map((l: { digest: string }) => blob(l.digest)));
    return { layers, config };
  }
}
