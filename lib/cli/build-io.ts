// The CLI's side of the build boundary (as buildx does with its session): it reads --secret
// values itself (src= file or env= variable, with the CLI user's own rights) and writes
// -o exports where IT may write — a file atomically (temp + rename), a directory by extracting
// with the engine's safe layer applier (no escaping dest), or stdout for dest=-.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { EngineError } from '../engine/errors.ts';
import type { ExportType } from '../engine/build/build.ts';
import { checkSecrets, SECRET_MAX_BYTES } from '../engine/daemon/build-transport.ts';
import { applyLayer } from '../engine/layer/apply-layer.ts';

export type SecretSpec = { id: string; src?: string; env?: string };
export type OutputSpec = { type: ExportType | 'local'; dest: string };

/** The secret values, read here (never by the daemon). */
export function readSecrets(specs: SecretSpec[], env: Record<string, string | undefined> = process.env): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const s of specs) {
    if (s.src !== undefined) {
      let st: fs.Stats;
      try {
        st = fs.statSync(s.src);
      } catch {
        throw new EngineError('NOT_FOUND', `--secret id=${s.id}: cannot read ${s.src}: no such file`);
      }
      if (!st.isFile()) throw new EngineError('INVALID_FLAG', `--secret id=${s.id}: ${s.src} is not a regular file`);
      if (st.size > SECRET_MAX_BYTES) throw new EngineError('RESOURCE_LIMIT', `--secret id=${s.id}: ${s.src} is ${st.size} bytes; a secret may have at most ${SECRET_MAX_BYTES} (LAB_SECRET_MAX_BYTES)`);
      try {
        out[s.id] = fs.readFileSync(s.src);
      } catch (err) {
        throw new EngineError('NOT_FOUND', `--secret id=${s.id}: cannot read ${s.src}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      }
    } else {
      const name = s.env ?? s.id;
      const v = env[name];
      if (v === undefined) throw new EngineError('INVALID_FLAG', `--secret id=${s.id}: environment variable ${name} is not set (use src=FILE or env=VAR)`);
      out[s.id] = Buffer.from(v);
    }
  }
  checkSecrets(out);
  return out;
}

export interface OutputTarget {
  type: ExportType;
  stream: Writable;
  /** After build.done: the file is renamed into place / the directory extraction finished. */
  commit(): Promise<void>;
  /** After a failure: nothing half-written is left at dest. */
  abort(): Promise<void>;
}

export function openOutputTarget(spec: OutputSpec, stdout: NodeJS.WriteStream = process.stdout): OutputTarget {
  if (spec.dest === '-') {
    if (spec.type === 'local') throw new EngineError('INVALID_FLAG', '--output type=local needs dest=DIRECTORY (dest=- is for tar, oci and docker)');
    if (stdout.isTTY) throw new EngineError('INVALID_FLAG', `--output type=${spec.type},dest=-: refusing to write a tar to the terminal; redirect it or give dest=FILE`);
    const stream = new PassThrough();
    stream.pipe(stdout, { end: false });
    return { type: spec.type, stream, commit: async () => void (await finished(stream)), abort: async () => void stream.destroy() };
  }
  const dest = path.resolve(spec.dest);
  if (spec.type === 'local') {
    const stream = new PassThrough();
    const applied = applyLayer(stream, dest, { mode: 'rootfs', strictPaths: true, preserveOwner: process.getuid?.() === 0 });
    applied.catch(() => undefined);
    return {
      type: 'tar',
      stream,
      commit: async () => void (await applied),
      abort: async () => {
        stream.destroy();
        await applied.catch(() => undefined);
      },
    };
  }
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const stream = fs.createWriteStream(tmp, { flags: 'wx', mode: 0o644 });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  opened.catch(() => undefined);
  return {
    type: spec.type,
    stream,
    async commit() {
      await opened;
      await finished(stream);
      fs.renameSync(tmp, dest);
    },
    async abort() {
      stream.destroy();
      fs.rmSync(tmp, { force: true });
    },
  };
}
