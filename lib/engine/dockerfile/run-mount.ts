// RUN --mount=type=cache,target=/root/.cache,... (BuildKit's commands_runmount.go).
// Values may contain variables; those are interpreted only once expanded (expand given).
import type { MountType, RunMount } from './index.ts';
import { suggest } from './suggest.ts';

export class MountError extends Error {}

const TYPES: MountType[] = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'];
const KEYS = [
  'type', 'source', 'src', 'target', 'dst', 'destination', 'readonly', 'ro', 'readwrite', 'rw',
  'required', 'id', 'sharing', 'from', 'mode', 'uid', 'gid', 'env', 'size',
];

/** Split a CSV record (double quotes group, `""` is a quote), like Go's encoding/csv. */
export function csvFields(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (value[i] === '"') {
      i++;
      for (;;) {
        if (i >= value.length) throw new MountError(`extraneous or missing " in quoted-field: ${value}`);
        if (value[i] === '"') {
          if (value[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += value[i++];
      }
      if (i < value.length && value[i] !== ',') throw new MountError(`extraneous or missing " in quoted-field: ${value}`);
    } else {
      while (i < value.length && value[i] !== ',') {
        if (value[i] === '"') throw new MountError(`bare " in non-quoted-field: ${value}`);
        field += value[i++];
      }
    }
    out.push(field);
    if (i >= value.length) return out;
    i++; // comma
  }
}

function parseBool(key: string, value: string): boolean {
  const v = value.toLowerCase();
  if (['1', 't', 'true'].includes(v)) return true;
  if (['0', 'f', 'false'].includes(v)) return false;
  throw new MountError(`invalid value for ${key}: ${value} (use true or false)`);
}

function parseUint(key: string, value: string, radix: number): number {
  const re = radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  const n = re.test(value) ? Number.parseInt(value, radix) : NaN;
  if (!Number.isFinite(n) || n > 0xffffffff) throw new MountError(`invalid value ${value} for ${key}`);
  return n;
}

/** RAM sizes like docker's units.RAMInBytes: 64m, 1g, 512k, 1024 (bytes). */
function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(value.trim());
  if (!m) throw new MountError(`invalid size: '${value}'`);
  const mult: Record<string, number> = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30, t: 2 ** 40, p: 2 ** 50 };
  return Math.floor(Number(m[1]) * mult[m[2].toLowerCase()]);
}

/**
 * Parse one --mount value. Without `expand`, values containing `$` are kept raw and not
 * interpreted yet (they depend on ENV/ARG); with it, every value is expanded then checked.
 */
export function parseMount(raw: string, expand?: (word: string) => string): RunMount {
  const m: RunMount = { type: 'bind', readOnly: true, raw };
  let roAuto = true;
  for (const field of csvFields(raw)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    if (eq < 0) {
      if (key === 'readonly' || key === 'ro') {
        m.readOnly = true;
        roAuto = false;
        continue;
      }
      if (key === 'readwrite' || key === 'rw') {
        m.readOnly = false;
        roAuto = false;
        continue;
      }
      if (key === 'required' && (m.type === 'secret' || m.type === 'ssh')) {
        m.required = true;
        continue;
      }
      if (key === 'required') throw new MountError(`unexpected key '${key}' for mount type '${m.type}'`);
      throw new MountError(`invalid field '${field}' must be a key=value pair`);
    }
    let value = field.slice(eq + 1);
    if (expand) {
      value = expand(value);
    } else if (key === 'from') {
      const idx = value.indexOf('$');
      if (idx !== -1 && idx !== value.length - 1) {
        throw new MountError(`'${key}' doesn't support variable expansion, define alias stage instead`);
      }
    } else if (value.includes('$')) {
      continue; // interpreted after expansion
    }
    applyKey(m, key, value, field);
    if (['readonly', 'ro', 'readwrite', 'rw'].includes(key)) roAuto = false;
  }
  const fileInfoAllowed = m.type === 'secret' || m.type === 'ssh' || m.type === 'cache';
  if (!fileInfoAllowed) {
    if (m.mode !== undefined) throw new MountError(`mode not allowed for "${m.type}" type mounts`);
    if (m.uid !== undefined) throw new MountError(`uid not allowed for "${m.type}" type mounts`);
    if (m.gid !== undefined) throw new MountError(`gid not allowed for "${m.type}" type mounts`);
  }
  if (roAuto) m.readOnly = !(m.type === 'cache' || m.type === 'tmpfs');
  if (m.sharing !== undefined && m.type !== 'cache') throw new MountError(`invalid cache sharing set for ${m.type} mount`);
  if (m.type === 'secret') {
    if (m.from !== undefined) throw new MountError('secret mount should not have a from');
    if (m.source === undefined && m.target === undefined && m.id === undefined && m.env === undefined) {
      throw new MountError('one of source, target, id or env required for a secret mount');
    }
  }
  if ((m.type === 'bind' || m.type === 'cache' || m.type === 'tmpfs') && !m.target && !raw.includes('$')) {
    throw new MountError(`mount type "${m.type}" needs target=PATH (where it appears inside the container)`);
  }
  return m;
}

function applyKey(m: RunMount, key: string, value: string, field: string): void {
  switch (key) {
    case 'type': {
      const t = value.toLowerCase() as MountType;
      if (!TYPES.includes(t)) {
        const hint = suggest(value, TYPES);
        throw new MountError(`unsupported mount type "${value}"${hint ? ` (did you mean ${hint}?)` : ''}`);
      }
      m.type = t;
      return;
    }
    case 'source': case 'src':
      m.source = value;
      return;
    case 'target': case 'dst': case 'destination':
      m.target = value;
      return;
    case 'readonly': case 'ro':
      m.readOnly = parseBool(key, value);
      return;
    case 'readwrite': case 'rw':
      m.readOnly = !parseBool(key, value);
      return;
    case 'required':
      if (m.type !== 'secret' && m.type !== 'ssh') throw new MountError(`unexpected key '${key}' for mount type '${m.type}'`);
      m.required = parseBool(key, value);
      return;
    case 'id':
      m.id = value;
      return;
    case 'sharing':
      if (m.type !== 'cache') throw new MountError(`invalid cache sharing set for ${m.type} mount`);
      if (value !== 'shared' && value !== 'private' && value !== 'locked') {
        throw new MountError(`unsupported sharing value "${value}" (use shared, private or locked)`);
      }
      m.sharing = value;
      return;
    case 'from':
      m.from = value;
      return;
    case 'mode':
      m.mode = parseUint(key, value, 8);
      return;
    case 'uid':
      m.uid = parseUint(key, value, 10);
      return;
    case 'gid':
      m.gid = parseUint(key, value, 10);
      return;
    case 'env':
      m.env = value;
      return;
    case 'size':
      if (m.type !== 'tmpfs') throw new MountError(`unexpected key 'size' for mount type '${m.type}'`);
      m.size = parseSize(value);
      return;
    default: {
      const hint = suggest(key, KEYS);
      throw new MountError(`unexpected key '${key}' in '${field}'${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }
}
