// Container records on disk: <dir>/<id>/container.json, written atomically (tmp + rename),
// plus lookup by name, full id or unique id prefix, and Docker-like generated names.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.ts';
import type { ContainerRecord } from './container.ts';

const RECORD = 'container.json';
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

const ADJECTIVES = ['brave', 'calm', 'eager', 'fervent', 'gentle', 'happy', 'jolly', 'keen', 'lucid', 'merry', 'nifty', 'quirky', 'serene', 'tender', 'upbeat', 'vibrant', 'witty', 'zealous'];
const NOUNS = ['babbage', 'curie', 'darwin', 'euler', 'franklin', 'gauss', 'hopper', 'kepler', 'lovelace', 'meitner', 'noether', 'pascal', 'ritchie', 'shannon', 'turing', 'wozniak'];

export class RecordStore {
  constructor(readonly dir: string) {}

  containerDir(id: string): string {
    return path.join(this.dir, id);
  }

  async save(rec: ContainerRecord): Promise<void> {
    const dir = this.containerDir(rec.id);
    await fs.mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.${RECORD}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`);
    await fs.writeFile(tmp, JSON.stringify(rec, null, 2));
    await fs.rename(tmp, path.join(dir, RECORD));
  }

  async all(): Promise<ContainerRecord[]> {
    const out: ContainerRecord[] = [];
    for (const name of await fs.readdir(this.dir).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      const text = await fs.readFile(path.join(this.dir, name, RECORD), 'utf8').catch(() => undefined);
      if (!text) continue;
      try {
        out.push(JSON.parse(text) as ContainerRecord);
      } catch {
        // a torn write cannot happen (rename); an edited file is skipped
      }
    }
    return out.sort((a, b) => b.created.localeCompare(a.created));
  }

  /** A name, a full id or a unique prefix of an id (as docker accepts). */
  async resolve(ref: string): Promise<ContainerRecord> {
    const all = await this.all();
    const want = ref.replace(/^\//, '');
    const exact = all.find((c) => c.id === want || c.name === want);
    if (exact) return exact;
    const byPrefix = /^[0-9a-f]+$/.test(want) ? all.filter((c) => c.id.startsWith(want)) : [];
    if (byPrefix.length === 1) return byPrefix[0];
    if (byPrefix.length > 1) throw new EngineError('INVALID_ARGUMENT', `"${ref}" matches ${byPrefix.length} containers: give more characters of the id`);
    throw new EngineError('NOT_FOUND', `no such container: ${ref} (docker ps -a lists them)`);
  }

  async remove(id: string): Promise<void> {
    await fs.rm(this.containerDir(id), { recursive: true, force: true });
  }

  /** Checks a --name, or makes one up that is free. */
  async pickName(wanted: string | undefined): Promise<string> {
    const taken = new Set((await this.all()).map((c) => c.name));
    if (wanted !== undefined) {
      const n = wanted.replace(/^\//, '');
      if (!NAME.test(n)) throw new EngineError('INVALID_ARGUMENT', `invalid container name "${wanted}": use letters, digits, and _ . - (not first)`);
      if (taken.has(n)) throw new EngineError('ALREADY_EXISTS', `the container name "${n}" is already in use: remove that container (docker rm ${n}) or pick another --name`);
      return n;
    }
    for (let i = 0; ; i++) {
      const base = `${ADJECTIVES[crypto.randomInt(ADJECTIVES.length)]}_${NOUNS[crypto.randomInt(NOUNS.length)]}`;
      const n = i < 20 ? base : `${base}${i}`;
      if (!taken.has(n)) return n;
    }
  }
}

export function newContainerId(): string {
  return crypto.randomBytes(32).toString('hex');
}
