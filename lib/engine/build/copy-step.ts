// COPY/ADD as a build step: select the sources, checksum them for the cache key (content and
// metadata, never mtime), and the function that applies them to a snapshot.
import { createHash } from 'node:crypto';
import type { AddInstruction, CopyInstruction } from '../dockerfile/index.ts';
import type { StepInputs } from '../build-cache/cache.ts';
import { checksumFiles } from '../build-cache/source-checksum.ts';
import { createdBy } from '../image/config-builder.ts';
import { mkdirAllInRoot } from '../executor/scoped-path.ts';
import type { ActiveSnapshot } from '../snapshot/snapshotter.ts';
import { matchSource, walkMatches, type SourceMatch, type SourceRoot } from './copy-sources.ts';
import { copyEntries, destination, type InlineFile } from './copy-files.ts';
import { parseChmod, resolveChown } from './file-mode.ts';
import { detectArchive, extractArchive, type Compression } from './archive-extract.ts';
import { MAX_ADD_URL_BYTES, MAX_ARCHIVE_BYTES } from '../limits.ts';
import { download, isUrl, type Download, type DownloadOptions } from './add-url.ts';
import type { StageState } from './stage-state.ts';

export type PreparedCopy = {
  inputs: StepInputs;
  createdBy: string;
  apply(snap: ActiveSnapshot): Promise<void>;
  /** Removes the step's ADD <url> downloads (call once the step is done or failed). */
  dispose(): Promise<void>;
};

/** The instruction text the cache key hashes (options + sources + destination). */
export function copyText(ins: CopyInstruction | AddInstruction): string {
  return [ins.kind, ...ins.flags, ...ins.sources, ins.dest].join(' ');
}

export async function prepareCopy(ins: CopyInstruction | AddInstruction, state: StageState, src: SourceRoot, opts: { signal?: AbortSignal; fromKey?: string; tmpDir: string }): Promise<PreparedCopy> {
  const isAdd = ins.kind === 'ADD';
  const where = { instruction: ins.kind, range: ins.range };
  const urls = isAdd ? ins.sources.filter(isUrl) : [];
  const locals = ins.sources.filter((s) => !isAdd || !isUrl(s));
  const matches: SourceMatch[] = [];
  for (const s of locals) matches.push(...(await matchSource(src, s, where)));
  const archives = new Map<SourceMatch, Compression>();
  if (isAdd && (ins as AddInstruction).unpack !== false) {
    for (const m of matches) {
      if (!m.stat.isFile()) continue;
      const comp = await detectArchive(m.abs);
      if (comp) archives.set(m, comp);
    }
  }
  const plain = matches.filter((m) => !archives.has(m));
  const entries = await walkMatches(src, plain, ins.excludes);
  const files = await checksumFiles(
    [...entries.map((e) => ({ rel: e.rel, abs: e.abs })), ...[...archives.keys()].map((m) => ({ rel: m.rel, abs: m.abs }))],
    { resetOwner: src.kind === 'context' },
  );
  const downloads = await downloadAll(urls, { checksum: (ins as AddInstruction).checksum, range: ins.range, signal: opts.signal, tmpDir: opts.tmpDir });
  const dispose = async () => void (await Promise.all(downloads.map((d) => d.dispose())));
  const inline: InlineFile[] = [...ins.contents.map((c) => ({ name: c.path, data: c.data })), ...downloads.map(({ name, file, size, mode, mtime }) => ({ name, file, size, mode, mtime }))];
  const workdir = state.config.config?.WorkingDir || '/';
  const hash = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

  const inputs: StepInputs = {
    kind: isAdd ? 'add' : 'copy',
    text: copyText(ins),
    workdir,
    files,
    extra: {
      heredocs: ins.contents.map((c) => `${c.path}:${hash(c.data)}`).join(','),
      // BuildKit's http cache key: file name, digest and Last-Modified (source/http formatCacheKey)
      urls: downloads.map((d) => `${d.url}@${d.digest}@${d.name}@${d.mtime?.getTime() ?? ''}`).join(','),
      from: src.kind === 'context' ? 'context' : src.name,
      ...(opts.fromKey ? { fromKey: opts.fromKey } : {}),
    },
  };
  const shownSources = [...ins.sources, ...ins.contents.map((c) => `<<${c.path}`)];
  const by = createdBy.copy(ins.kind, ins.flags, shownSources, ins.dest);

  const apply = async (snap: ActiveSnapshot) => {
    const chown = ins.chown ? await resolveChown(snap.rootfs, ins.chown) : undefined;
    const chmod = ins.chmod ? parseChmod(ins.chmod) : undefined;
    const common = {
      rootfs: snap.rootfs,
      dest: ins.dest,
      workdir,
      sourceCount: ins.sources.length + ins.contents.length,
      chown,
      chmod,
      instruction: ins.kind,
      range: ins.range,
    };
    await copyEntries(entries, plain, inline, { ...common, preserveOwner: src.kind !== 'context', parents: ins.kind === 'COPY' && ins.parents });
    if (archives.size) {
      const dest = destination(common, matches.length, false);
      const host = await mkdirAllInRoot(snap.rootfs, dest.path, 0o755, chown?.uid ?? 0, chown?.gid ?? 0);
      let expanded = 0; // one LAB_MAX_ARCHIVE_BYTES budget for all archives of the step
      for (const [m, comp] of archives) {
        const r = await extractArchive(m.abs, comp, host, { chown, instruction: ins.kind, archiveName: m.rel, range: ins.range, limits: { bytes: Math.max(1, MAX_ARCHIVE_BYTES - expanded) } });
        expanded += r.bytes;
      }
    }
  };
  return { inputs, createdBy: by, apply, dispose };
}

/** The step's downloads, one after another, sharing one LAB_MAX_ADD_URL_BYTES budget on disk; all removed if one fails. */
async function downloadAll(urls: string[], o: DownloadOptions): Promise<Download[]> {
  const done: Download[] = [];
  let used = 0;
  try {
    for (const u of urls) {
      const d = await download(u, { ...o, maxBytes: Math.max(1, MAX_ADD_URL_BYTES - used) });
      used += d.size;
      done.push(d);
    }
    return done;
  } catch (err) {
    await Promise.all(done.map((d) => d.dispose()));
    throw err;
  }
}
