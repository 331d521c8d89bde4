// Writes the clutter of lesson step 1 into a new workspace from content/workspace/junk.json:
// a .git directory (loose objects that git can read + one pack of filler bytes), node_modules
// with many small files, a .venv, a log file and a .env with a FAKE credential. Deterministic
// (seeded) and fast: about 15 MB, written in well under a second.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { z } from 'zod';
import { SeededRandom } from './seeded-random.ts';

export const junkSpecSchema = z.object({
  seed: z.string().min(1),
  git: z.object({
    branch: z.string().regex(/^[a-z0-9._-]+$/),
    packBytes: z.number().int().min(0).max(64 * 1024 * 1024),
    looseObjects: z.number().int().min(0).max(500),
    commits: z.array(z.string().min(1)).min(1),
  }),
  nodeModules: z.object({
    packages: z.array(z.string().regex(/^[a-z0-9._-]+@[0-9][0-9a-z.+-]*$/)),
    filesPerPackage: z.number().int().min(2).max(50),
    fileBytes: z.number().int().min(1).max(64 * 1024),
  }),
  venv: z.object({
    python: z.string().regex(/^\d+\.\d+$/),
    packages: z.array(z.string().regex(/^[a-z0-9_]+$/)),
    filesPerPackage: z.number().int().min(1).max(50),
    fileBytes: z.number().int().min(1).max(64 * 1024),
  }),
  logs: z.array(z.object({ path: z.string().regex(/^[a-z0-9._-]+$/), lines: z.number().int().min(1).max(200_000) })),
  env: z.object({ path: z.string().regex(/^\.env[a-z.]*$/), lines: z.array(z.string()) }),
});
export type JunkSpec = z.infer<typeof junkSpecSchema>;

/** Generates everything the spec describes under `dir` (which must exist). */
export async function generateJunk(dir: string, spec: JunkSpec): Promise<void> {
  const rnd = new SeededRandom(spec.seed);
  await writeGit(path.join(dir, '.git'), spec.git, rnd);
  await writeNodeModules(path.join(dir, 'node_modules'), spec.nodeModules, rnd);
  await writeVenv(path.join(dir, '.venv'), spec.venv, rnd);
  for (const log of spec.logs) await fs.writeFile(path.join(dir, log.path), logLines(log.lines, rnd));
  await fs.writeFile(path.join(dir, spec.env.path), spec.env.lines.join('\n') + '\n', { mode: 0o600 });
}

// Fixed base time so that timestamps in the junk are the same on every machine.
const EPOCH = Date.UTC(2026, 8, 1, 9, 0, 0) / 1000;

async function writeObject(objects: string, type: string, body: Buffer): Promise<string> {
  const raw = Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body]);
  const id = createHash('sha1').update(raw).digest('hex');
  await fs.mkdir(path.join(objects, id.slice(0, 2)), { recursive: true });
  await fs.writeFile(path.join(objects, id.slice(0, 2), id.slice(2)), deflateSync(raw));
  return id;
}

async function writeGit(git: string, spec: JunkSpec['git'], rnd: SeededRandom): Promise<void> {
  const objects = path.join(git, 'objects');
  await fs.mkdir(path.join(objects, 'pack'), { recursive: true });
  await fs.mkdir(path.join(git, 'refs', 'heads'), { recursive: true });
  await fs.mkdir(path.join(git, 'refs', 'tags'), { recursive: true });
  await fs.writeFile(path.join(git, 'HEAD'), `ref: refs/heads/${spec.branch}\n`);
  await fs.writeFile(path.join(git, 'config'), '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n');
  await fs.writeFile(path.join(git, 'description'), 'Generated for the docker-build lesson (lesson step 1: the build context).\n');

  // Loose objects git can really read: blobs, one tree, a chain of commits.
  const blobs: { name: string; id: string }[] = [];
  for (let i = 0; i < spec.looseObjects; i++) {
    const name = `notes-${String(i).padStart(3, '0')}.md`;
    blobs.push({ name, id: await writeObject(objects, 'blob', Buffer.from(rnd.text(800 + rnd.int(1600)))) });
  }
  const tree = await writeObject(
    objects,
    'tree',
    Buffer.concat(blobs.map((b) => Buffer.concat([Buffer.from(`100644 ${b.name}\0`), Buffer.from(b.id, 'hex')]))),
  );
  let parent: string | undefined;
  for (const [i, message] of spec.commits.entries()) {
    const when = `${EPOCH + i * 86_400} +0000`;
    const body =
      `tree ${tree}\n${parent ? `parent ${parent}\n` : ''}` +
      `author Lab Student <student@example.invalid> ${when}\ncommitter Lab Student <student@example.invalid> ${when}\n\n${message}\n`;
    parent = await writeObject(objects, 'commit', Buffer.from(body));
  }
  await fs.writeFile(path.join(git, 'refs', 'heads', spec.branch), `${parent}\n`);

  // One pack of filler bytes: a valid header and trailer with an index of zero objects, so git
  // opens it without complaint, but the middle is random bytes (the size is what matters here).
  const header = Buffer.alloc(12);
  header.write('PACK', 0);
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(0, 8);
  const body = Buffer.concat([header, rnd.bytes(Math.max(0, spec.packBytes - 32))]);
  const packSum = createHash('sha1').update(body).digest();
  const pack = Buffer.concat([body, packSum]);
  const idxHead = Buffer.alloc(8 + 256 * 4);
  idxHead.writeUInt32BE(0xff744f63, 0);
  idxHead.writeUInt32BE(2, 4);
  const idxBody = Buffer.concat([idxHead, packSum]);
  const idx = Buffer.concat([idxBody, createHash('sha1').update(idxBody).digest()]);
  const name = `pack-${packSum.toString('hex')}`;
  await fs.writeFile(path.join(objects, 'pack', `${name}.pack`), pack);
  await fs.writeFile(path.join(objects, 'pack', `${name}.idx`), idx);
}

// Contents are drawn from the generator first, in a fixed order, and only then written in
// parallel: the bytes must not depend on which write finishes first.
async function writeTree(dir: string, files: [string, string][]): Promise<void> {
  const dirs = [...new Set(files.map(([f]) => path.dirname(path.join(dir, f))))];
  for (const d of dirs) await fs.mkdir(d, { recursive: true });
  await Promise.all(files.map(([f, text]) => fs.writeFile(path.join(dir, f), text)));
}

async function writeNodeModules(dir: string, spec: JunkSpec['nodeModules'], rnd: SeededRandom): Promise<void> {
  const files: [string, string][] = [['.package-lock.json', JSON.stringify({ name: 'workspace', lockfileVersion: 3, packages: {} }) + '\n']];
  for (const p of spec.packages) {
    const at = p.lastIndexOf('@');
    const [name, version] = [p.slice(0, at), p.slice(at + 1)];
    files.push([`${name}/package.json`, JSON.stringify({ name, version, main: 'index.js', license: 'MIT' }, null, 2) + '\n']);
    files.push([`${name}/index.js`, `'use strict';\nmodule.exports = require('./lib/${name}-0.js');\n`]);
    for (let i = 0; i < spec.filesPerPackage - 2; i++) {
      files.push([`${name}/lib/${name}-${i}.js`, `// ${name}@${version} (placeholder generated for the lesson)\n/*\n${rnd.text(spec.fileBytes)}\n*/\n`]);
    }
  }
  await writeTree(dir, files);
}

async function writeVenv(dir: string, spec: JunkSpec['venv'], rnd: SeededRandom): Promise<void> {
  const site = `lib/python${spec.python}/site-packages`;
  const files: [string, string][] = [
    ['pyvenv.cfg', `home = /usr/bin\ninclude-system-site-packages = false\nversion = ${spec.python}.9\n`],
    ['bin/activate', '# placeholder venv generated for the lesson: there is no Python here\n'],
  ];
  for (const name of spec.packages) {
    for (let i = 0; i < spec.filesPerPackage; i++) {
      const file = i === 0 ? '__init__.py' : `_part${i}.py`;
      files.push([`${site}/${name}/${file}`, `# ${name} (placeholder generated for the lesson)\n"""\n${rnd.text(spec.fileBytes)}\n"""\n`]);
    }
  }
  await writeTree(dir, files);
}

function logLines(n: number, rnd: SeededRandom): string {
  const paths = ['/', '/version', '/favicon.ico', '/health', '/static/app.css'];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = new Date((EPOCH + i * 7) * 1000).toISOString();
    const p = rnd.pick(paths);
    const status = p === '/favicon.ico' ? 404 : 200;
    lines.push(`${t} INFO  app 172.17.0.${1 + rnd.int(250)} "GET ${p} HTTP/1.1" ${status} ${1 + rnd.int(40)}ms ua="Mozilla/5.0"`);
  }
  return lines.join('\n') + '\n';
}
