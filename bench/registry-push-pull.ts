// Registry benchmark: push and pull an image with one big random layer (default 64 MiB, incompressible)
// through our registry and, when installed, the CNCF registry (docker-registry 2.8), both on
// loopback. Also measures a re-push (every layer "already exists"). Run on demand:
//   npx tsx bench/registry-push-pull.ts [MiB]     (writes bench/results/registry-push-pull.md)
// Wall-clock times, best of 3; loopback only, so this measures the servers and the client, not a network.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { hasCncfRegistry, localStores, makeImage, startCncf, startOurs, type TestTarget } from '../lib/engine/registry/testing.ts';
import { pullReference, pushReference } from '../lib/engine/registry/client/transfer.ts';

const mib = Number(process.argv[2] ?? 64);
const rows: string[] = [];

async function best(n: number, fn: () => Promise<void>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

async function measure(kind: string, target: TestTarget): Promise<void> {
  const local = await localStores();
  try {
    let i = 0;
    // a fresh repository and different bytes per run, so every push uploads everything (no mount)
    const tags: string[] = [];
    let layerSize = 0;
    for (let r = 0; r < 3; r++) {
      tags.push(`${target.host}/bench/r${r}:1`);
      const img = await makeImage(local.images, [{ big: randomBytes(mib * 1024 * 1024) }], tags[r]);
      layerSize = img.manifest.layers[0].size;
    }
    const push = await best(3, async () => {
      await pushReference(tags[i++], { images: local.images });
    });
    const repush = await best(3, async () => {
      await pushReference(tags[0], { images: local.images });
    });
    const pull = await best(3, async () => {
      const fresh = await localStores();
      try {
        await pullReference(tags[0], { images: fresh.images });
      } finally {
        await fresh.close();
      }
    });
    const mbps = (ms: number) => ((layerSize / 1e6) / (ms / 1000)).toFixed(0);
    rows.push(`| ${kind} | ${(layerSize / 1e6).toFixed(1)} MB | ${push.toFixed(0)} (${mbps(push)} MB/s) | ${repush.toFixed(0)} | ${pull.toFixed(0)} (${mbps(pull)} MB/s) |`);
  } finally {
    await local.close();
    await target.close();
  }
}

await measure('ours (embedded, no auth)', await startOurs());
if (hasCncfRegistry) await measure('CNCF docker-registry 2.8', await startCncf());

const out = [
  '# Registry push/pull benchmark',
  '',
  `Date: ${new Date().toISOString()}  `,
  `Machine: ${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, linux ${os.release()}, Node ${process.version}  `,
  `Load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  '',
  `One image with a single ${mib} MiB random (incompressible) gzip layer, our client, loopback. Best of 3, wall-clock ms.`,
  '"re-push" = every blob answers HEAD 200 ("Layer already exists"): only the manifest travels.',
  '',
  '| registry | layer | push ms | re-push ms | pull ms |',
  '|---|---:|---:|---:|---:|',
  ...rows,
  '',
  `Re-run: \`npx tsx bench/registry-push-pull.ts ${mib}\`.`,
  '',
].join('\n');
const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'registry-push-pull.md');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, out);
process.stdout.write(out);
