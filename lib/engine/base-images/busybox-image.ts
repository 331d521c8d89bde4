// busybox:latest made offline from Debian's busybox-static: /bin/busybox, one hard link per
// applet in /bin, a minimal /etc and the usual empty directories; one deterministic layer.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EngineError } from '../errors.ts';
import { writeLayer } from '../layer/layer-writer.ts';
import type { Change } from '../layer/layer.ts';
import type { Image, ImageStore } from '../image/image.ts';
import { addHistory, createdBy, newImageConfig } from '../image/config-builder.ts';

const run = promisify(execFile);

export const BUSYBOX_REF = 'docker.io/library/busybox:latest';
export const DEFAULT_BUSYBOX_BINARY = '/bin/busybox';

const PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`;
const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
wheel:x:10:root
mail:x:8:
www-data:x:33:
operator:x:37:
staff:x:50:
users:x:100:
nogroup:x:65534:
`;
const SHADOW = `root:*:10933:0:99999:7:::
daemon:*:10933:0:99999:7:::
bin:*:10933:0:99999:7:::
sys:*:10933:0:99999:7:::
sync:*:10933:0:99999:7:::
mail:*:10933:0:99999:7:::
www-data:*:10933:0:99999:7:::
operator:*:10933:0:99999:7:::
nobody:*:10933:0:99999:7:::
`;

/** Directories with their modes (root-owned). */
const DIRS: Array<[string, number]> = [
  ['bin', 0o755], ['etc', 0o755], ['home', 0o755], ['root', 0o700], ['tmp', 0o1777], ['usr', 0o755],
  ['usr/sbin', 0o755], ['var', 0o755], ['var/spool', 0o755], ['var/spool/mail', 0o755], ['var/www', 0o755],
];

/** Applet names of the binary (`busybox --list`), sorted, without "busybox" itself. */
export async function busyboxApplets(binary = DEFAULT_BUSYBOX_BINARY): Promise<string[]> {
  try {
    const { stdout } = await run(binary, ['--list'], { maxBuffer: 1 << 20 });
    return stdout.split('\n').map((s) => s.trim()).filter((s) => s && s !== 'busybox' && !s.includes('/')).sort();
  } catch (err) {
    throw new EngineError(
      'UNAVAILABLE',
      `cannot run ${binary} to list its applets: install Debian's busybox-static (apt-get install busybox-static) — ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** Builds the image into the store; tags it only when `tag` is given. */
export async function buildBusyboxImage(images: ImageStore, opts: { binary?: string; tag?: string } = {}): Promise<Image> {
  const binary = opts.binary ?? DEFAULT_BUSYBOX_BINARY;
  const st = await fs.stat(binary).catch(() => undefined);
  if (!st?.isFile()) throw new EngineError('UNAVAILABLE', `${binary} not found: install Debian's busybox-static (apt-get install busybox-static) to get the busybox base image`);
  const epoch = Math.floor(st.mtimeMs / 1000);
  const applets = await busyboxApplets(binary);
  const tree = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-busybox-'));
  try {
    const changes: Change[] = [];
    for (const [dir, mode] of DIRS) {
      await fs.mkdir(path.join(tree, dir));
      await fs.chmod(path.join(tree, dir), mode);
      changes.push({ kind: 'add', path: dir });
    }
    const bb = path.join(tree, 'bin', 'busybox');
    await fs.copyFile(binary, bb);
    await fs.chmod(bb, 0o755);
    changes.push({ kind: 'add', path: 'bin/busybox' });
    for (const applet of applets) {
      await fs.link(bb, path.join(tree, 'bin', applet));
      changes.push({ kind: 'add', path: `bin/${applet}` });
    }
    for (const [name, text, mode] of [['passwd', PASSWD, 0o644], ['group', GROUP, 0o644], ['shadow', SHADOW, 0o640]] as const) {
      await fs.writeFile(path.join(tree, 'etc', name), text, { mode });
      await fs.chmod(path.join(tree, 'etc', name), mode);
      changes.push({ kind: 'add', path: `etc/${name}` });
    }
    if (process.getuid?.() === 0) for (const c of changes) await fs.lchown(path.join(tree, c.path), 0, 0);
    else throw new EngineError('FAILED_PRECONDITION', 'building the busybox base image needs root (files in the layer must be owned by uid 0)');
    const layer = await writeLayer(images.content, { root: tree, changes, capabilities: new Map() }, { sourceDateEpoch: epoch });
    const created = new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
    const config = newImageConfig(undefined, { os: 'linux' });
    config.created = created;
    config.config = { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] };
    addHistory(config, { created, createdBy: createdBy.copy('ADD', [], ['busybox-static'], '/'), diffId: layer.diffId, comment: 'lab: /bin/busybox from Debian busybox-static' });
    addHistory(config, { created, createdBy: createdBy.cmd(['sh']) });
    return await images.putImage({
      config,
      layers: [{ descriptor: { mediaType: layer.mediaType, digest: layer.digest, size: layer.size }, diffId: layer.diffId, uncompressedSize: layer.uncompressedSize }],
      tags: opts.tag ? [opts.tag] : [],
    });
  } finally {
    await fs.rm(tree, { recursive: true, force: true });
  }
}

/** "1.35.0" from the binary's banner ("BusyBox v1.35.0 (Debian …) multi-call binary."). */
export async function busyboxVersion(binary = DEFAULT_BUSYBOX_BINARY): Promise<string | undefined> {
  const out = await run(binary, ['--help']).then((r) => r.stdout, (e: { stdout?: string }) => e.stdout ?? '');
  return /BusyBox v(\d+\.\d+(?:\.\d+)?)/.exec(out)?.[1];
}

/**
 * The tags the built-in image answers to: latest and the version Debian ships, like the
 * official image's 1.35 and 1.35.0, so that a pinned `FROM busybox:1.35` works here.
 */
export function busyboxRefs(binary = DEFAULT_BUSYBOX_BINARY): Promise<string[]> {
  let refs = refsByBinary.get(binary);
  if (!refs) {
    refs = busyboxVersion(binary)
      .catch(() => undefined)
      .then((v) => [...new Set(['latest', ...(v ? [v.split('.').slice(0, 2).join('.'), v] : [])])].map((t) => `docker.io/library/busybox:${t}`));
    refsByBinary.set(binary, refs);
  }
  return refs;
}
const refsByBinary = new Map<string, Promise<string[]>>();

/** busybox:latest (and its version tags) when present, else built and tagged. */
export async function ensureBusybox(images: ImageStore, opts: { binary?: string } = {}): Promise<Image> {
  const refs = await busyboxRefs(opts.binary);
  const existing = await images.find(BUSYBOX_REF);
  const img = existing ?? (await buildBusyboxImage(images, { ...opts, tag: BUSYBOX_REF }));
  for (const ref of refs) if (!(await images.find(ref))) await images.tag(img.id, ref);
  return img;
}
