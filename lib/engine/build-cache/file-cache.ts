// BuildCache on disk: records and step memories as JSON files, written atomically.
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Digest } from '../content-store/content-store.ts';
import { EngineError } from '../errors.ts';
import type { BuildCache, CacheRecord, StepMemory } from './cache.ts';

const HEX = /^[a-f0-9]{64}$/;

function hexOf(key: string): string {
  const hex = key.startsWith('sha256:') ? key.slice(7) : key;
  if (!HEX.test(hex)) throw new EngineError('INVALID_INPUT', `not a cache key: ${key}`);
  return hex;
}

async function writeAtomic(file: string, data: string): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await fs.open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof SyntaxError) return undefined; // a torn file cannot exist, but never trust it
    throw err;
  }
}

export class FileBuildCache implements BuildCache {
  private readonly records: string;
  private readonly steps: string;
  private ready: Promise<void> | undefined;

  /** `root` is $LAB_ROOT/cache. */
  constructor(readonly root: string) {
    this.records = path.join(root, 'records');
    this.steps = path.join(root, 'steps');
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await fs.mkdir(this.records, { recursive: true });
      await fs.mkdir(this.steps, { recursive: true });
    })();
    return this.ready;
  }

  async get(key: Digest): Promise<CacheRecord | undefined> {
    await this.init();
    const rec = await readJson<CacheRecord>(path.join(this.records, `${hexOf(key)}.json`));
    return rec && rec.key === key ? rec : undefined;
  }

  async put(record: CacheRecord): Promise<void> {
    await this.init();
    await writeAtomic(path.join(this.records, `${hexOf(record.key)}.json`), JSON.stringify(record));
  }

  async recall(identity: string): Promise<StepMemory | undefined> {
    await this.init();
    return readJson<StepMemory>(path.join(this.steps, `${hexOf(identity)}.json`));
  }

  async remember(memory: StepMemory): Promise<void> {
    await this.init();
    await writeAtomic(path.join(this.steps, `${hexOf(memory.identity)}.json`), JSON.stringify(memory));
  }

  private async *all(): AsyncIterable<{ file: string; rec: CacheRecord }> {
    await this.init();
    for (const name of await fs.readdir(this.records)) {
      if (!name.endsWith('.json')) continue;
      const file = path.join(this.records, name);
      const rec = await readJson<CacheRecord>(file);
      if (rec) yield { file, rec };
    }
  }

  async roots(): Promise<Digest[]> {
    const out: Digest[] = [];
    for await (const { rec } of this.all()) if (rec.layer) out.push(rec.layer.descriptor.digest);
    return out;
  }

  async prune(opts: { keep?: (r: CacheRecord) => boolean } = {}): Promise<{ removed: number }> {
    let removed = 0;
    for await (const { file, rec } of this.all()) {
      if (opts.keep?.(rec)) continue;
      await fs.rm(file, { force: true });
      removed++;
    }
    if (!opts.keep) await fs.rm(this.steps, { recursive: true, force: true });
    this.ready = undefined;
    return { removed };
  }
}
