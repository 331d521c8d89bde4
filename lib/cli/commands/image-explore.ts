// lab image explore IMAGE (docker image explore) — dive's two panes as text: the layer stack
// (each layer with its Dockerfile instruction, size and change counts, config-only steps in
// between), the efficiency summary, then a file tree: the merged view (what a container sees)
// or one layer's changes (--layer N: A added, M modified, D deleted by a whiteout, O opaque).
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { analysisApi } from '../analysis-client.ts';
import { humanSize } from '../../engine/image/human-units.ts';
import { parseBytes } from '../../engine/image-index/dive-units.ts';
import { parseScope } from '../../engine/image-index/analysis-query.ts';
import type { AnalysisApi, ImageView } from '../../engine/image-index/analysis-api.ts';
import type { ChildrenQuery, Scope, TreeEntry } from '../../engine/image-index/image-index.ts';

const USAGE = 'Usage:  docker image explore [OPTIONS] IMAGE\n\nShow an image\'s layers and files (like dive)\n\nOptions:\n      --layer N|merged   tree of one layer\'s changes, or the merged view (default merged)\n      --path PATH        start the tree at PATH (default /)\n      --depth N          directory levels to show (default 2 for the merged view, all for a layer)\n      --glob PATTERN     only paths matching PATTERN (and the directories holding them)\n      --min-size SIZE    only entries at least SIZE (10MB, 512k)\n      --sort name|size   order of siblings (default name)\n      --limit N          entries per directory (default 50)\n      --max-lines N      stop after N tree lines (default 400)\n      --no-layers        leave out the layer table\n      --json             the raw analysis as JSON\n';

const TYPE_CHAR: Record<string, string> = { dir: 'd', symlink: 'l', char: 'c', block: 'b', fifo: 'p', hardlink: 'h', file: '-' };
const CHANGE_MARK: Record<string, string> = { added: 'A', modified: 'M', deleted: 'D', opaque: 'O' };

/** "drwxr-xr-x", with setuid/setgid/sticky as ls shows them. */
export function modeString(type: string | undefined, mode: number | undefined): string {
  if (mode === undefined || !type) return '----------';
  const rwx = (bits: number, special: boolean, ch: string) => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${special ? (bits & 1 ? ch : ch.toUpperCase()) : bits & 1 ? 'x' : '-'}`;
  return `${TYPE_CHAR[type] ?? '?'}${rwx(mode >> 6, !!(mode & 0o4000), 's')}${rwx(mode >> 3, !!(mode & 0o2000), 's')}${rwx(mode, !!(mode & 0o1000), 't')}`;
}

function sizeOf(e: TreeEntry): string {
  if (e.change === 'deleted') return e.previous ? `-${humanSize(e.previous.size)}` : '';
  return humanSize(e.type === 'dir' ? (e.totalSize ?? 0) : e.size);
}

export function entryLine(e: TreeEntry, prefix: string, last: boolean, layerScope: boolean): string {
  const mark = layerScope ? `${e.change ? CHANGE_MARK[e.change] : ' '} ` : '';
  const owner = e.uid === undefined ? '' : `${e.uid}:${e.gid}`;
  const link = e.link ? ` -> ${e.link}` : '';
  const note = e.change === 'opaque' ? `  (hides ${humanSize(e.previous?.size ?? 0)} below)` : e.change === 'deleted' ? '  (whiteout)' : '';
  return `${mark}${e.change === 'deleted' ? '          ' : modeString(e.type, e.mode)} ${owner.padStart(9)} ${sizeOf(e).padStart(8)}  ${prefix}${last ? '└── ' : '├── '}${e.name}${e.type === 'dir' ? '/' : ''}${link}${note}`;
}

export function layerTable(v: ImageView): string {
  const lines = [`${'#'.padStart(3)}  ${'SIZE'.padStart(8)}  ${'COMPRESSED'.padStart(10)}  ${'CHANGES'.padEnd(18)}  INSTRUCTION`];
  for (const step of v.steps) {
    if (step.layer === undefined) {
      lines.push(`${''.padStart(3)}  ${''.padStart(8)}  ${''.padStart(10)}  ${''.padEnd(18)}  ${step.instruction || '(empty)'}`);
      continue;
    }
    const l = v.layers[step.layer];
    const changes = [l.added && `+${l.added}`, l.modified && `~${l.modified}`, l.deleted && `-${l.deleted}`, l.opaque && `o${l.opaque}`].filter(Boolean).join(' ');
    lines.push(`${String(l.index).padStart(3)}  ${humanSize(l.contentSize).padStart(8)}  ${humanSize(l.compressedSize).padStart(10)}  ${changes.padEnd(18)}  ${step.instruction}`);
  }
  for (const l of v.layers) if (!v.steps.some((s) => s.layer === l.index)) lines.push(`${String(l.index).padStart(3)}  ${humanSize(l.contentSize).padStart(8)}  ${humanSize(l.compressedSize).padStart(10)}  ${''.padEnd(18)}  (no history entry)`);
  return lines.join('\n');
}

interface TreeOptions {
  scope: Scope;
  depth: number;
  limit: number;
  maxLines: number;
  filter: Omit<ChildrenQuery, 'scope' | 'path' | 'offset' | 'limit'>;
}

/** Renders the tree below `dir`, one request per directory, cut at maxLines. */
export async function renderTree(api: AnalysisApi, image: string, dir: string, o: TreeOptions, out: string[]): Promise<void> {
  const walk = async (p: string, prefix: string, depth: number): Promise<void> => {
    const page = await api.tree(image, { ...o.filter, scope: o.scope, path: p, limit: o.limit });
    for (const [i, e] of page.items.entries()) {
      if (out.length >= o.maxLines) return;
      const last = i === page.items.length - 1 && page.total <= page.items.length;
      out.push(entryLine(e, prefix, last, o.scope !== 'merged'));
      if (e.type === 'dir' && (e.children ?? 0) > 0 && depth + 1 < o.depth) await walk(e.path, `${prefix}${last ? '    ' : '│   '}`, depth + 1);
    }
    if (page.total > page.items.length && out.length < o.maxLines) out.push(`${' '.repeat(o.scope !== 'merged' ? 31 : 29)}${prefix}└── … ${page.total - page.items.length} more (--limit, --path ${p})`);
  };
  await walk(dir, '', 0);
}

const command: Command = {
  summary: "show an image's layers and files, like dive (docker image explore)",
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        layer: { type: 'string' }, path: { type: 'string' }, depth: { type: 'string' }, glob: { type: 'string' }, 'min-size': { type: 'string' },
        sort: { type: 'string' }, limit: { type: 'string' }, 'max-lines': { type: 'string' }, 'no-layers': { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length !== 1) {
      process.stderr.write(`"docker image explore" requires exactly 1 argument.\n\n${USAGE}`);
      return 1;
    }
    const image = positionals[0];
    const api = await analysisApi();
    const view = await api.summary(image);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
      return 0;
    }
    const scope = parseScope(values.layer);
    const out: string[] = [];
    if (!values['no-layers']) {
      out.push(`${image}  ${view.manifestDigest}  ${view.os}/${view.architecture}${view.osRelease?.prettyName ? `  ${view.osRelease.prettyName}` : ''}`);
      out.push(`${view.layers.length} layers, ${view.files} files, ${humanSize(view.totalSize)} in the merged view (indexed in ${view.indexedInMs} ms)`, '');
      out.push(layerTable(view), '');
      const e = view.efficiency;
      out.push(`efficiency ${(e.score * 100).toFixed(2)} %, wasted ${humanSize(e.wastedBytes)} in ${e.inefficientPaths} paths (lab image efficiency ${image})`);
      if (view.secrets) out.push(`secrets: ${view.secrets} finding(s) (lab scan secrets ${image})`);
      out.push('');
    }
    const dir = values.path ?? '/';
    out.push(scope === 'merged' ? `merged view (what a container sees), ${dir}:` : `layer ${scope} (${view.layers[scope]?.step?.instruction ?? 'no history'}), changes under ${dir}:  A added  M modified  D deleted  O opaque`);
    const header = out.length;
    const depth = values.depth ? Number(values.depth) : scope === 'merged' ? 2 : 64;
    await renderTree(api, image, dir, {
      scope, depth, limit: values.limit ? Number(values.limit) : 50, maxLines: header + (values['max-lines'] ? Number(values['max-lines']) : 400),
      filter: { glob: values.glob, minSize: values['min-size'] ? parseBytes(values['min-size']) : undefined, sort: values.sort === 'size' ? 'size' : 'name' },
    }, out);
    if (out.length === header) out.push('  (nothing here)');
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  },
};
export default command;
