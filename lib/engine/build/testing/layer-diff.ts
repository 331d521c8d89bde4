// Effective changes of a layer sequence, builder-independent: each layer is applied to a model
// of the filesystem and only real differences count (type, mode, uid, gid, size, content hash,
// link target, deletions) — never mtimes, never a re-emitted identical directory. Opaque
// markers and explicit whiteouts of the lower children both read as deletions.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import tar from 'tar-stream';

type Meta = { type: string; mode: number; uid: number; gid: number; size: number; sha?: string; link?: string };

export type LayerChanges = string[];

async function entries(data: Buffer): Promise<{ name: string; meta: Meta; linkname?: string; hard: boolean }[]> {
  const plain = data[0] === 0x1f && data[1] === 0x8b ? zlib.gunzipSync(data) : data;
  const ex = tar.extract();
  const out: { name: string; meta: Meta; linkname?: string; hard: boolean }[] = [];
  const done = (async () => {
    for await (const e of ex) {
      const h = e.header;
      const hash = createHash('sha256');
      for await (const c of e) hash.update(c as Buffer);
      const name = h.name.replace(/^\.?\/+/, '').replace(/\/+$/, '');
      const type = h.type === 'directory' ? 'dir' : h.type === 'symlink' ? 'symlink' : h.type === 'link' ? 'file' : h.type === 'file' || h.type === 'contiguous-file' ? 'file' : String(h.type);
      out.push({
        name,
        hard: h.type === 'link',
        linkname: h.linkname?.replace(/^\.?\/+/, '') ?? undefined,
        meta: { type, mode: (h.mode ?? 0) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0, size: type === 'file' ? (h.size ?? 0) : 0, sha: type === 'file' ? hash.digest('hex') : undefined, link: type === 'symlink' ? h.linkname : undefined },
      });
    }
  })();
  ex.end(plain);
  await done;
  return out;
}

const show = (p: string, m: Meta) => `${p} ${m.type} ${m.mode.toString(8)} ${m.uid}:${m.gid}${m.type === 'file' ? ` ${m.size} ${m.sha?.slice(0, 12)}` : ''}${m.link ? ` -> ${m.link}` : ''}`;

/** Per layer, the sorted effective changes ("path type mode uid:gid size sha" or "path deleted"). */
export async function effectiveChanges(layers: Buffer[], ignore: (path: string, meta?: Meta) => boolean = () => false): Promise<LayerChanges[]> {
  const state = new Map<string, Meta>();
  const result: LayerChanges[] = [];
  for (const data of layers) {
    const changed = new Map<string, string>();
    const del = (p: string) => {
      for (const k of [...state.keys()]) {
        if (k === p || k.startsWith(p + '/')) {
          state.delete(k);
          if (!ignore(k)) changed.set(k, `${k} deleted`);
        }
      }
    };
    const list = await entries(data);
    for (const e of list) {
      const base = e.name.split('/').pop()!;
      const dir = e.name.includes('/') ? e.name.slice(0, e.name.lastIndexOf('/')) : '';
      if (base === '.wh..wh..opq') {
        for (const k of [...state.keys()]) if (k.startsWith(dir + '/') && !list.some((x) => x.name === k)) del(k);
        continue;
      }
      if (base.startsWith('.wh.')) {
        del(dir ? `${dir}/${base.slice(4)}` : base.slice(4));
        continue;
      }
      let meta = e.meta;
      if (e.hard && e.linkname) {
        const target = state.get(e.linkname);
        if (target) meta = { ...target };
      }
      const before = state.get(e.name);
      if (before && before.type !== meta.type) del(e.name);
      state.set(e.name, meta);
      if (before && JSON.stringify(before) === JSON.stringify(meta)) continue;
      if (!ignore(e.name, meta)) changed.set(e.name, show(e.name, meta));
    }
    result.push([...changed.values()].sort());
  }
  return result;
}

/** Final filesystem state as path -> meta (for content checks). */
export async function finalState(layers: Buffer[]): Promise<Map<string, string>> {
  const changes = await effectiveChanges(layers);
  const state = new Map<string, string>();
  for (const layer of changes) for (const c of layer) {
    const p = c.slice(0, c.indexOf(' '));
    if (c.endsWith(' deleted')) state.delete(p);
    else state.set(p, c);
  }
  return state;
}
