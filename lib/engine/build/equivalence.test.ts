// The equivalence suite: every Dockerfile under testdata/builds is built by this engine and by
// buildah (`buildah bud --isolation chroot --layers`); the layers must make the same effective
// changes and the configs must agree. Where buildah deviates (heredocs, newer COPY flags,
// runtime mount points leaking into its layers) we assert BuildKit's behaviour instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createTestEngine, runcMissing, type TestEngine } from './testing/engine.ts';
import { Buildah, buildahMissing } from './testing/buildah.ts';
import { effectiveChanges, finalState } from './testing/layer-diff.ts';
import { ensureBusybox } from '../base-images/base-images.ts';
import { saveImages } from '../image/docker-archive.ts';

const CASES_DIR = path.resolve(import.meta.dirname, '../../../testdata/builds');
const cases = fs.readdirSync(CASES_DIR).filter((n) => fs.existsSync(path.join(CASES_DIR, n, 'Dockerfile'))).sort();
const skip = runcMissing ?? buildahMissing();
if (skip) console.warn(`equivalence suite skipped: ${skip}`);

type CaseSpec = { buildah?: string; buildArgs?: Record<string, string>; target?: string; files?: Record<string, string>; absent?: string[] };

/** Paths buildah's chroot isolation leaves in its layers (runtime mount points): BuildKit never does. */
const BUILDAH_LEAKS = new Set(['dev', 'proc', 'sys', 'run', 'run/.containerenv', 'etc/hosts', 'etc/hostname', 'etc/resolv.conf']);

const CONFIG_FIELDS = ['Env', 'Cmd', 'Entrypoint', 'User', 'WorkingDir', 'ExposedPorts', 'Labels', 'Volumes', 'StopSignal', 'Healthcheck', 'Shell'] as const;

function configFields(cfg: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of CONFIG_FIELDS) {
    let v = cfg?.[f];
    if (f === 'Labels' && v) {
      const { ['io.buildah.version']: _drop, ...rest } = v as Record<string, string>;
      v = Object.keys(rest).length ? rest : undefined;
    }
    if (v === null || v === '' || (typeof v === 'object' && Object.keys(v as object).length === 0)) v = undefined;
    // buildah appends a re-set ENV key at the end; BuildKit (and we) replace it in place.
    if (f === 'Env' && Array.isArray(v)) v = [...v].sort();
    if (v !== undefined) out[f] = v;
  }
  return out;
}

let eng: TestEngine;
let buildah: Buildah;
let work: string;

beforeAll(async () => {
  if (skip) return;
  eng = await createTestEngine('equiv');
  work = path.join(eng.root, 'equiv');
  await fsp.mkdir(work, { recursive: true });
  await ensureBusybox(eng.images);
  const archive = path.join(work, 'busybox.tar');
  await saveImages(eng.images, ['busybox:latest'], fs.createWriteStream(archive));
  await new Promise((r) => setTimeout(r, 100));
  buildah = new Buildah(path.join(work, 'buildah'));
  await buildah.load(archive);
}, 300_000);

afterAll(async () => {
  if (buildah) await buildah.cmd(['rm', '--all']).catch(() => undefined);
  if (work) execFileSync('sh', ['-c', `umount -R ${work}/buildah/storage 2>/dev/null || true`]);
  await eng?.dispose();
});

describe.skipIf(!!skip)('equivalence with buildah', () => {
  it('has at least 15 Dockerfiles', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  for (const name of cases) {
    it(name, async () => {
      const src = path.join(CASES_DIR, name);
      const spec: CaseSpec = fs.existsSync(path.join(src, 'case.json')) ? JSON.parse(fs.readFileSync(path.join(src, 'case.json'), 'utf8')) : {};
      const ctx = path.join(work, name);
      execFileSync('cp', ['-a', src, ctx]);
      if (fs.existsSync(path.join(ctx, 'setup.sh'))) execFileSync('sh', ['setup.sh'], { cwd: ctx });
      for (const f of ['setup.sh', 'case.json']) await fsp.rm(path.join(ctx, f), { force: true });
      const tag = `eq-${name}:latest`;

      const { result } = await eng.build(ctx, { tags: [tag], buildArgs: spec.buildArgs, target: spec.target });
      const img = await eng.images.get(result.imageId);
      const ourLayers = await Promise.all(img.manifest.layers.map((l) => eng.store.get(l.digest)));

      if (spec.files || spec.absent) {
        const state = await finalState(ourLayers);
        for (const [p, content] of Object.entries(spec.files ?? {})) {
          const line = state.get(p);
          expect(line, `${p} in the image`).toBeDefined();
          expect(line).toContain(` ${Buffer.byteLength(content)} ${(await import('node:crypto')).createHash('sha256').update(content).digest('hex').slice(0, 12)}`);
        }
        for (const p of spec.absent ?? []) expect(state.has(p), `${p} must not be in the image`).toBe(false);
      }
      if (spec.buildah) {
        console.warn(`${name}: compared with BuildKit's expected result only (${spec.buildah})`);
        return;
      }

      await buildah.build(ctx, { tag, buildArgs: spec.buildArgs, target: spec.target });
      const theirs = await buildah.read(tag);
      const ignoreLeaks = (p: string, meta?: { type: string; size: number }) => BUILDAH_LEAKS.has(p) && (!meta || meta.type === 'dir' || meta.size === 0);
      // BuildKit makes WORKDIR's directory a layer of its own; buildah creates it with the next
      // step. Our WORKDIR layers are checked to hold only directories, then merged forward.
      const ourAll = await effectiveChanges(ourLayers);
      const layerSteps = (img.config.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by ?? '');
      const ours: string[][] = [];
      let carry: string[] = [];
      ourAll.forEach((l, i) => {
        if (layerSteps[i]?.startsWith('WORKDIR ')) {
          for (const c of l) expect(c).toMatch(/ dir [0-7]+ \d+:\d+$/);
          carry.push(...l);
          return;
        }
        if (l.length === 0) return;
        ours.push([...new Set([...carry, ...l])].sort());
        carry = [];
      });
      // A WORKDIR with no later step: BuildKit still creates it; buildah never does.
      if (carry.length) console.warn(`${name}: trailing WORKDIR layer (${carry.join(', ')}) not compared: buildah does not create it`);
      const ref = (await effectiveChanges(theirs.layers, ignoreLeaks)).filter((l) => l.length > 0);
      if (process.env.LAB_EQUIV_DEBUG) fs.writeFileSync(path.join(process.env.LAB_EQUIV_DEBUG, `${name}.json`), JSON.stringify({ ours, ref, ourConfig: img.config, theirConfig: theirs.config }, null, 1));
      expect(ours.slice(1).map((l) => l.join('\n'))).toEqual(ref.slice(1).map((l) => l.join('\n')));
      expect(ours[0]).toEqual(ref[0]);
      expect(configFields(img.config.config as Record<string, unknown>)).toEqual(configFields(theirs.config.config as Record<string, unknown>));
    }, 300_000);
  }

  it('builds FROM an image that buildah built and `lab load` imported', async () => {
    const ctx = path.join(work, 'interop');
    execFileSync('cp', ['-a', path.join(CASES_DIR, '02-whiteouts'), ctx]);
    await buildah.build(ctx, { tag: 'interop-base:1' });
    const archive = path.join(work, 'interop.tar');
    await buildah.cmd(['push', '-q', 'interop-base:1', `docker-archive:${archive}:interop-base:1`]);
    const { loadArchive } = await import('../image/load-archive.ts');
    const loaded = await loadArchive(eng.images, fs.createReadStream(archive), { tmpDir: path.join(eng.root, 'tmp') });
    expect(loaded.images).toHaveLength(1);
    const child = path.join(work, 'interop-child');
    await fsp.mkdir(child);
    await fsp.writeFile(path.join(child, 'Dockerfile'), `FROM interop-base:1\nRUN test -f /data/keep/a && test ! -e /data/c && test ! -e /etc/group && echo base-ok\n`);
    const { result, events } = await eng.build(child);
    expect(events.some((e) => e.type === 'vertex.log' && e.text === 'base-ok')).toBe(true);
    const img = await eng.images.get(result.imageId);
    // The RUN changed no file, so like BuildKit no layer is exported for it: the history entry
    // is marked empty_layer and the image keeps exactly the base's layers.
    expect(img.manifest.layers.map((l) => l.digest)).toEqual(loaded.images[0].manifest.layers.map((l) => l.digest));
    expect(img.config.history!.at(-1)).toMatchObject({ empty_layer: true });
    expect(img.config.history!.at(-1)!.created_by).toMatch(/^RUN .*echo base-ok/);
  }, 300_000);
});
