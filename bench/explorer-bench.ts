// Explorer benchmark: a generated image of ~1 GB in 40 layers (text files of mixed sizes, each
// layer rewriting and deleting some of the files below it, one opaque directory), then
//   1. the first index build (every layer streamed once: rows, merged view, dive, secrets, SBOM),
//      beside a reference in the same run: `tar -tzf` over every layer blob (reading the image
//      and listing it, nothing else), and the blobs' plain gunzip time;
//   2. opening the index from disk in a fresh cache (what a page load costs) and the paged
//      queries an explorer page makes (median of N runs each).
// Run: node --import tsx bench/explorer-bench.ts [--layers 40] [--layer-mb 25] [--runs 7] [--keep DIR]
// Writes bench/results/explorer.md.
import { execFileSync } from 'node:child_process';
import { createGzip } from 'node:zlib';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-stream';
import { OciLayoutStore } from '../lib/engine/content-store/oci-layout-store.ts';
import { createImageStore } from '../lib/engine/image/layout-image-store.ts';
import { MediaTypes, type ImageConfig } from '../lib/engine/image/image.ts';
import { ImageIndexCache } from '../lib/engine/image-index/index-cache.ts';
import type { ImageIndex } from '../lib/engine/image-index/image-index.ts';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const LAYERS = Number(opt('layers', '40'));
const LAYER_BYTES = Number(opt('layer-mb', '25')) * 1024 * 1024;
const RUNS = Number(opt('runs', '7'));
const ROOT = path.resolve(import.meta.dirname, '..');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;

// deterministic text (xorshift32): an 8 MiB pool of lines of words from a 4096-word vocabulary
// (gzip makes about a third of it, like a distribution's files); files are slices of it
let seed = 42;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
};
const WORDS = Array.from({ length: 4096 }, () => Array.from({ length: 2 + Math.floor(rand() * 9) }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join(''));
const POOL = (() => {
  const parts: string[] = [];
  let n = 0;
  while (n < 8 << 20) {
    const w = rand() < 0.12 ? '\n' : `${WORDS[Math.floor(rand() * WORDS.length)]}${rand() < 0.3 ? `${Math.floor(rand() * 1e6)}` : ''} `;
    parts.push(w);
    n += w.length;
  }
  return Buffer.from(parts.join('')).subarray(0, 8 << 20);
})();

/** Sizes: many small files, some medium, a few large (like a distribution's /usr). */
function fileSize(): number {
  const r = rand();
  if (r < 0.85) return 100 + Math.floor(rand() * 2900);
  if (r < 0.99) return 8_000 + Math.floor(rand() * 32_000);
  return 500_000 + Math.floor(rand() * 1_500_000);
}

async function writeLayer(images: ReturnType<typeof createImageStore>, index: number, earlier: string[]): Promise<{ descriptor: { mediaType: string; digest: string; size: number }; diffId: string; files: string[] }> {
  const pack = tar.pack();
  const gz = createGzip({ level: 1 });
  const writer = await images.content.writer();
  const { createHash } = await import('node:crypto');
  const diff = createHash('sha256');
  pack.on('data', (c) => void diff.update(c as Buffer));
  pack.pipe(gz);
  const done = (async () => {
    for await (const c of gz) await writer.write(c as Buffer);
  })();
  const entry = (h: Partial<tar.Header> & { name: string }, body?: Buffer) => new Promise<void>((resolve, reject) => {
    if (body) pack.entry(h as tar.Header, body, (e) => (e ? reject(e) : resolve()));
    else pack.entry(h as tar.Header, '', (e) => (e ? reject(e) : resolve()));
  });
  const files: string[] = [];
  const dir = `layer${String(index).padStart(2, '0')}`;
  await entry({ name: 'data/', type: 'directory', mode: 0o755 });
  await entry({ name: `data/${dir}/`, type: 'directory', mode: 0o755 });
  // rewrite 100 and delete 50 files of earlier layers (wasted space, whiteouts)
  if (earlier.length) {
    const chosen = new Set<string>();
    for (let k = 0; k < 150 && earlier.length > 150; k++) {
      let at = Math.floor(rand() * earlier.length);
      while (chosen.has(earlier[at])) at = (at + 1) % earlier.length;
      const victim = earlier[at];
      chosen.add(victim);
      if (k >= 100) {
        earlier[at] = earlier[earlier.length - 1]; // deleted: never chosen again
        earlier.pop();
      }
      const parent = victim.slice(0, victim.lastIndexOf('/'));
      await entry({ name: `${parent}/`, type: 'directory', mode: 0o755 });
      if (k < 100) {
        const off = Math.floor(rand() * (POOL.length - 10_000));
        await entry({ name: victim, mode: 0o644, size: 5000 }, POOL.subarray(off, off + 5000));
      } else await entry({ name: `${parent}/.wh.${victim.slice(victim.lastIndexOf('/') + 1)}`, size: 0 }, Buffer.alloc(0));
    }
  }
  if (index === LAYERS - 1) await entry({ name: 'data/layer00/.wh..wh..opq', size: 0 }, Buffer.alloc(0));
  let bytes = 0;
  for (let n = 0; bytes < LAYER_BYTES; n++) {
    const sub = `data/${dir}/d${String(n % 40).padStart(2, '0')}`;
    if (n < 40) await entry({ name: `${sub}/`, type: 'directory', mode: 0o755 });
    const size = Math.min(fileSize(), POOL.length - 1);
    const off = Math.floor(rand() * (POOL.length - size));
    const name = `${sub}/f${n}.${['txt', 'log', 'json', 'py', 'so'][n % 5]}`;
    await entry({ name, mode: 0o644, size, uid: 1000, gid: 1000 }, POOL.subarray(off, off + size));
    files.push(name);
    bytes += size;
  }
  pack.finalize();
  await done;
  const info = await writer.commit();
  return { descriptor: { mediaType: MediaTypes.ociLayerGzip, digest: info.digest, size: info.size }, diffId: `sha256:${diff.digest('hex')}`, files };
}

async function main() {
  const keep = opt('keep', '');
  const tmp = keep || (await fs.mkdtemp(path.join(os.tmpdir(), 'explorer-bench-')));
  try {
    await measure(tmp);
  } finally {
    if (!keep) await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function measure(tmp: string) {
  const content = new OciLayoutStore(path.join(tmp, 'store'));
  await content.init();
  const images = createImageStore(content);
  let img = await images.find('bench/explorer:1');
  const tGen = performance.now();
  if (!img) {
    const layers = [];
    const all: string[] = [];
    for (let i = 0; i < LAYERS; i++) {
      const l = await writeLayer(images, i, all);
      all.push(...l.files);
      layers.push({ descriptor: l.descriptor, diffId: l.diffId });
      process.stderr.write(`\rgenerated layer ${i + 1}/${LAYERS}`);
    }
    const config: ImageConfig = {
      architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((_, i) => ({ created_by: `RUN /bin/sh -c generate-layer ${i} # buildkit` })),
    };
    img = await images.putImage({ config, layers, tags: ['bench/explorer:1'] });
    process.stderr.write('\n');
  }
  const genMs = performance.now() - tGen;
  const blobs = img.manifest.layers.map((l) => path.join(content.root, 'blobs', 'sha256', l.digest.slice(7)));
  const compressed = img.manifest.layers.reduce((s, l) => s + l.size, 0);

  // reference: list every layer with tar, and gunzip alone
  const tRef = performance.now();
  let listed = 0;
  for (const b of blobs) listed += execFileSync('tar', ['-tzf', b], { maxBuffer: 1 << 30 }).toString().split('\n').length - 1;
  const refMs = performance.now() - tRef;
  const tGz = performance.now();
  for (const b of blobs) execFileSync('sh', ['-c', `gzip -dc '${b}' > /dev/null`]);
  const gunzipMs = performance.now() - tGz;

  const indexDir = path.join(tmp, 'index');
  await fs.rm(indexDir, { recursive: true, force: true });
  const image = { manifestDigest: img.target.digest, manifest: img.manifest, config: img.config };
  const first = new ImageIndexCache(content, { dir: indexDir });
  const tBuild = performance.now();
  const cpu0 = process.cpuUsage();
  const summary = await first.use(image, (ix) => ix.summary);
  const buildMs = performance.now() - tBuild;
  const cpu1 = process.cpuUsage(cpu0);
  const buildCpuMs = (cpu1.user + cpu1.system) / 1000;
  first.close();
  const indexBytes = (await fs.stat(path.join(indexDir, (await fs.readdir(indexDir))[0]))).size;
  // the same without the content scanners (no secret scan, no package records): the rows alone
  const bare = new ImageIndexCache(content, { dir: path.join(tmp, 'index-bare'), limits: { secrets: false, packages: false } });
  const tBare = performance.now();
  const cpu2 = process.cpuUsage();
  await bare.use(image, (ix) => ix.summary.files);
  const bareMs = performance.now() - tBare;
  const cpu3 = process.cpuUsage(cpu2);
  const bareCpuMs = (cpu3.user + cpu3.system) / 1000;
  bare.close();
  await fs.rm(path.join(tmp, 'index-bare'), { recursive: true, force: true });

  // open: a fresh cache (no handle) and the first page an explorer shows
  const opens: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const c = new ImageIndexCache(content, { dir: indexDir });
    const t = performance.now();
    await c.use(image, (ix) => [ix.summary.layers.length, ix.children({ scope: 'merged', path: '/' }).items.length, ix.efficiency({ limit: 20 }).score]);
    opens.push(performance.now() - t);
    c.close();
  }
  const c = new ImageIndexCache(content, { dir: indexDir });
  const q = async (fn: (ix: ImageIndex) => unknown) => {
    const t: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const s = performance.now();
      await c.use(image, fn);
      t.push(performance.now() - s);
    }
    return median(t);
  };
  const queries: Array<[string, number]> = [
    ['children of /data/layer01/d07 (merged, 200 per page, by name)', await q((ix) => ix.children({ scope: 'merged', path: '/data/layer01/d07' }))],
    ['same directory, page 2 sorted by size', await q((ix) => ix.children({ scope: 'merged', path: '/data/layer01/d07', sort: 'size', offset: 200 }))],
    [`children of / in layer ${LAYERS - 1} (its changes)`, await q((ix) => ix.children({ scope: LAYERS - 1, path: '/' }))],
    ['search glob **/*.so, size >= 1 MB (merged)', await q((ix) => ix.search({ scope: 'merged', glob: '**/*.so', minSize: 1_000_000 }))],
    ['search text "f123" (merged)', await q((ix) => ix.search({ scope: 'merged', text: 'f123' }))],
    ['children of / filtered by glob **/f77*.log', await q((ix) => ix.children({ scope: 'merged', path: '/', glob: '**/f77*.log' }))],
    [`deleted entries of layer ${LAYERS >> 1}`, await q((ix) => ix.search({ scope: LAYERS >> 1, changes: ['deleted'] }))],
    ['efficiency: top 20 wasted paths', await q((ix) => ix.efficiency({ limit: 20 }))],
    ['one path across layers', await q((ix) => ix.pathHistory('/data/layer00/d01/f1.log'))],
    ['secrets report', await q((ix) => ix.secrets())],
  ];
  c.close();

  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
  const uncompressed = summary.layers.reduce((s, l) => s + l.uncompressedSize, 0);
  const lines = [
    '# Explorer index benchmark',
    '',
    `Run ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}: \`node --import tsx bench/explorer-bench.ts --layers ${LAYERS} --layer-mb ${LAYER_BYTES / 1024 / 1024} --runs ${RUNS}\`.`,
    '',
    `Image: ${LAYERS} layers, ${mb(uncompressed)} of tar (${mb(compressed)} gzip), ${listed} tar entries, ${summary.files} files in the merged view (${mb(summary.totalSize)}); each layer rewrites 100 and deletes 50 files of the layers below, the last one makes a directory opaque. Generated in ${(genMs / 1000).toFixed(1)} s${genMs < 1000 ? ' (reused)' : ''}.`,
    '',
    '## First index (once per image)',
    '',
    `Load average when the run started: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (the machine is shared: wall times stretch with the load, CPU times much less).`,
    '',
    '| what | wall time | CPU time of this process |',
    '|---|---|---|',
    `| reference: \`tar -tzf\` over every layer (read and list, nothing else) | ${(refMs / 1000).toFixed(1)} s | |`,
    `| reference: \`gzip -dc\` over every layer | ${(gunzipMs / 1000).toFixed(1)} s | |`,
    `| **index build**: stream + sha256 every file, rows, merged view, dive efficiency, secret scan, SBOM | **${(buildMs / 1000).toFixed(1)} s** | ${(buildCpuMs / 1000).toFixed(1)} s |`,
    `| index build without the secret scan and package records | ${(bareMs / 1000).toFixed(1)} s | ${(bareCpuMs / 1000).toFixed(1)} s |`,
    '',
    `Index file: ${mb(indexBytes)}. Efficiency ${(summary.efficiency.score * 100).toFixed(2)} %, ${summary.efficiency.inefficientPaths} inefficient paths, ${summary.secrets} secret findings.`,
    '',
    `## Open and paged queries (median of ${RUNS})`,
    '',
    '| what | time |',
    '|---|---|',
    `| **open from disk** in a fresh cache + layer stack + root listing + efficiency summary (a page load) | **${ms(median(opens))}** (target < 2000 ms) |`,
    ...queries.map(([name, t]) => `| ${name} | ${ms(t)} |`),
    '',
  ];
  await fs.mkdir(path.join(ROOT, 'bench', 'results'), { recursive: true });
  await fs.writeFile(path.join(ROOT, 'bench', 'results', 'explorer.md'), lines.join('\n'));
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
