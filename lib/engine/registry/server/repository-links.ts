// Per-repository links (blob links, manifest revisions, tags, referrers) as small files under
// <root>/repositories/<name>/, each written to a temp file and renamed (atomic for readers).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface RevisionInfo {
  mediaType: string;
  size: number;
}

export interface ReferrerInfo {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

const hex = (digest: string) => digest.slice('sha256:'.length);

export class RepositoryLinks {
  constructor(readonly root: string) {}

  private repoDir(name: string): string {
    return path.join(this.root, 'repositories', ...name.split('/'));
  }

  private async write(file: string, data: string): Promise<void> {
    const tmpDir = path.join(this.root, 'tmp');
    await fs.mkdir(tmpDir, { recursive: true });
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = path.join(tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  }

  async exists(name: string): Promise<boolean> {
    for (const sub of ['_layers', '_manifests']) {
      if (await isDir(path.join(this.repoDir(name), sub))) return true;
    }
    return false;
  }

  // Blob links
  async linkBlob(name: string, digest: string): Promise<void> {
    await this.write(path.join(this.repoDir(name), '_layers', hex(digest)), digest);
  }
  async hasBlob(name: string, digest: string): Promise<boolean> {
    return fileExists(path.join(this.repoDir(name), '_layers', hex(digest)));
  }
  async unlinkBlob(name: string, digest: string): Promise<boolean> {
    return remove(path.join(this.repoDir(name), '_layers', hex(digest)));
  }

  // Manifest revisions
  async putRevision(name: string, digest: string, info: RevisionInfo): Promise<void> {
    await this.write(path.join(this.repoDir(name), '_manifests', 'revisions', hex(digest)), JSON.stringify(info));
  }
  async revision(name: string, digest: string): Promise<RevisionInfo | undefined> {
    try {
      return JSON.parse(await fs.readFile(path.join(this.repoDir(name), '_manifests', 'revisions', hex(digest)), 'utf8')) as RevisionInfo;
    } catch {
      return undefined;
    }
  }
  async deleteRevision(name: string, digest: string): Promise<boolean> {
    const removed = await remove(path.join(this.repoDir(name), '_manifests', 'revisions', hex(digest)));
    for (const tag of await this.tags(name)) {
      if ((await this.tag(name, tag)) === digest) await this.deleteTag(name, tag);
    }
    return removed;
  }

  // Tags
  async setTag(name: string, tag: string, digest: string): Promise<void> {
    await this.write(path.join(this.repoDir(name), '_manifests', 'tags', tag), digest);
  }
  async tag(name: string, tag: string): Promise<string | undefined> {
    try {
      return (await fs.readFile(path.join(this.repoDir(name), '_manifests', 'tags', tag), 'utf8')).trim();
    } catch {
      return undefined;
    }
  }
  async deleteTag(name: string, tag: string): Promise<boolean> {
    return remove(path.join(this.repoDir(name), '_manifests', 'tags', tag));
  }
  /** Tags in lexical order (the spec's order for pagination). */
  async tags(name: string): Promise<string[]> {
    const list = await fs.readdir(path.join(this.repoDir(name), '_manifests', 'tags')).catch(() => [] as string[]);
    return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  // Referrers
  async addReferrer(name: string, subject: string, info: ReferrerInfo): Promise<void> {
    await this.write(path.join(this.repoDir(name), '_referrers', hex(subject), hex(info.digest)), JSON.stringify(info));
  }
  async removeReferrer(name: string, subject: string, digest: string): Promise<void> {
    await remove(path.join(this.repoDir(name), '_referrers', hex(subject), hex(digest)));
  }
  async referrers(name: string, subject: string): Promise<ReferrerInfo[]> {
    const dir = path.join(this.repoDir(name), '_referrers', hex(subject));
    const out: ReferrerInfo[] = [];
    for (const f of (await fs.readdir(dir).catch(() => [] as string[])).sort()) {
      try {
        out.push(JSON.parse(await fs.readFile(path.join(dir, f), 'utf8')) as ReferrerInfo);
      } catch {
        /* removed meanwhile */
      }
    }
    return out;
  }

  /** Every manifest and blob any repository links (GC roots for the shared store). */
  async allLinked(): Promise<string[]> {
    const out = new Set<string>();
    const walk = async (dir: string): Promise<void> => {
      for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
        if (!e.isDirectory()) continue;
        if (e.name === '_manifests' || e.name === '_layers') {
          const sub = e.name === '_manifests' ? path.join(dir, e.name, 'revisions') : path.join(dir, e.name);
          for (const f of await fs.readdir(sub).catch(() => [] as string[])) {
            if (/^[a-f0-9]{64}$/.test(f)) out.add(`sha256:${f}`);
          }
        } else if (!e.name.startsWith('_')) await walk(path.join(dir, e.name));
      }
    };
    await walk(path.join(this.root, 'repositories'));
    return [...out].sort();
  }
}

async function isDir(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

async function fileExists(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => undefined))?.isFile() ?? false;
}

async function remove(p: string): Promise<boolean> {
  try {
    await fs.unlink(p);
    return true;
  } catch {
    return false;
  }
}
