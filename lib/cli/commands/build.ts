// lab build [OPTIONS] PATH — docker build: streams the context to the daemon (or builds in this
// process when no daemon runs) and renders the progress events (--progress=plain|classic|json).
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../main.ts';
import { connectEngine } from '../daemon-client.ts';
import { EngineError } from '../../engine/errors.ts';
import { createRenderer } from '../../engine/progress/renderers.ts';
import type { ProgressMode } from '../../engine/progress/events.ts';
import { openOutputTarget, readSecrets, type OutputSpec, type OutputTarget, type SecretSpec } from '../build-io.ts';
import type { BuildOptions } from '../../engine/daemon/daemon.ts';

const USAGE = `Usage: lab build [OPTIONS] PATH

Options:
  -t, --tag NAME            name and optionally a tag (name:tag); repeatable
  -f, --file FILE           Dockerfile (default PATH/Dockerfile; "-" reads stdin)
      --target STAGE        build this stage and what it needs
      --build-arg K=V       set a build-time variable; repeatable
      --no-cache            run every step
      --no-cache-filter S   run every step of these stages; repeatable or comma-separated
      --progress MODE       plain (default), classic or json
  -o, --output SPEC         type=oci|docker|tar,dest=FILE (dest=- for stdout) or
                            type=local,dest=DIR: also export the result (written by this CLI)
      --secret SPEC         id=NAME,src=FILE or id=NAME,env=VAR: for RUN --mount=type=secret;
                            read by this CLI and sent to the builder; repeatable
      --platform P          only linux/<this machine> is supported
  -q, --quiet               print only the image ID`;

function kv(spec: string, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const i = part.indexOf('=');
    if (i < 0) throw new EngineError('INVALID_FLAG', `${flag} ${spec}: expected key=value pairs separated by commas`);
    out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/** docker buildx --output: type=oci|docker|tar,dest=FILE|-, type=local,dest=DIR; "DIR" and "-" alone as buildx reads them. */
export function parseOutput(spec: string): OutputSpec {
  if (!spec.includes('=')) return spec === '-' ? { type: 'tar', dest: '-' } : { type: 'local', dest: path.resolve(spec) };
  const o = kv(spec, '--output');
  const type = o.type ?? 'local';
  if (type !== 'oci' && type !== 'docker' && type !== 'tar' && type !== 'local') throw new EngineError('INVALID_FLAG', `--output type=${type}: use type=oci, docker, tar or local`);
  if (!o.dest) throw new EngineError('INVALID_FLAG', `--output type=${type} needs dest=${type === 'local' ? 'DIRECTORY' : 'FILE (or - for stdout)'}`);
  return { type, dest: o.dest === '-' ? '-' : path.resolve(o.dest) };
}

/** docker buildx --secret: id=NAME[,src=FILE|,env=VAR] (type=file|env); neither: the variable NAME. */
export function parseSecret(spec: string): SecretSpec {
  const o = kv(spec, '--secret');
  const id = o.id;
  const src = o.src ?? o.source;
  if (!id) throw new EngineError('INVALID_FLAG', `--secret ${spec}: expected id=NAME,src=FILE or id=NAME,env=VAR`);
  if (src !== undefined && o.env !== undefined) throw new EngineError('INVALID_FLAG', `--secret ${spec}: give src= or env=, not both`);
  if (src !== undefined || o.type === 'file') return { id, src: path.resolve(src ?? id) };
  return { id, env: o.env ?? id };
}

export function parseBuildArgs(list: string[], env: Record<string, string | undefined> = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i < 0) {
      // docker: "--build-arg NAME" takes the value from the environment, if set
      if (env[a] !== undefined) out[a] = env[a]!;
    } else out[a.slice(0, i)] = a.slice(i + 1);
  }
  return out;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const command: Command = {
  summary: 'build an image from a Dockerfile (docker build)',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        tag: { type: 'string', short: 't', multiple: true },
        file: { type: 'string', short: 'f' },
        target: { type: 'string' },
        'build-arg': { type: 'string', multiple: true },
        'no-cache': { type: 'boolean' },
        'no-cache-filter': { type: 'string', multiple: true },
        progress: { type: 'string' },
        output: { type: 'string', short: 'o' },
        secret: { type: 'string', multiple: true },
        platform: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (positionals.length !== 1) {
      process.stderr.write(`lab build requires exactly 1 argument (the context directory, often ".")\n\n${USAGE}\n`);
      return 1;
    }
    const mode = (values.progress ?? 'plain') === 'auto' || values.progress === 'tty' ? 'plain' : (values.progress ?? 'plain');
    if (!['plain', 'classic', 'json'].includes(mode)) throw new EngineError('INVALID_FLAG', `--progress=${mode}: use plain, classic or json`);
    const contextDir = path.resolve(positionals[0]);
    const opts: BuildOptions = {
      tags: values.tag,
      target: values.target,
      buildArgs: parseBuildArgs(values['build-arg'] ?? []),
      noCache: values['no-cache'],
      noCacheFilter: (values['no-cache-filter'] ?? []).flatMap((s) => s.split(',')).filter(Boolean),
      platform: values.platform,
      secrets: values.secret ? readSecrets(values.secret.map(parseSecret)) : undefined,
    };
    const outputSpec = values.output ? parseOutput(values.output) : undefined;
    if (process.env.SOURCE_DATE_EPOCH && /^\d+$/.test(process.env.SOURCE_DATE_EPOCH)) opts.sourceDateEpoch = Number(process.env.SOURCE_DATE_EPOCH);

    const api = await connectEngine({ withBuilder: true });
    try {
      // As BuildKit does, the Dockerfile travels apart from the context (its own "dockerfile"
      // source), so listing it in .dockerignore neither stops the build nor puts it in COPY . .
      if (values.file === '-') {
        opts.dockerfileText = await readStdin();
      } else {
        const abs = path.resolve(values.file ?? path.join(contextDir, 'Dockerfile'));
        const rel = path.relative(contextDir, abs);
        const inside = !rel.startsWith('..') && !path.isAbsolute(rel);
        if (inside) opts.dockerfilePath = rel;
        // a missing in-context Dockerfile is left for the daemon to report in its own words
        const text = await fs.readFile(abs, 'utf8').catch((err: NodeJS.ErrnoException) => {
          if (inside && err.code === 'ENOENT') return undefined;
          throw err;
        });
        if (text !== undefined) opts.dockerfileText = text;
      }
      // the export comes back as a stream; this process writes it with its own rights
      const target: OutputTarget | undefined = outputSpec ? openOutputTarget(outputSpec) : undefined;
      if (target) opts.output = { type: target.type, stream: target.stream };
      const toStdout = mode !== 'plain';
      const write = (t: string) => (toStdout ? process.stdout : process.stderr).write(t);
      const renderer = values.quiet ? undefined : createRenderer(mode as ProgressMode, write);
      // As buildx does, name the builder before anything else: the student sees the build has
      // started while the context is still being sent.
      if (renderer && mode === 'plain') write(`#0 building with "default" instance using ${api.mode === 'direct' ? 'in-process' : 'lab-daemon'} driver\n\n`);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      try {
        let reported = false;
        const result = await api.build(opts, { dir: contextDir }, (e) => {
          if (e.type === 'build.error') reported = true;
          renderer?.write(e);
        }, abort.signal).catch((err) => {
          if (!reported) (err as { unreported?: boolean }).unreported = true;
          throw err;
        });
        await target?.commit().catch((e: Error & { unreported?: boolean }) => {
          e.unreported = true; // the build succeeded; writing the export here did not
          throw e;
        });
        renderer?.end();
        if (values.quiet) process.stdout.write(result.imageId + '\n');
        return 0;
      } catch (err) {
        await target?.abort();
        renderer?.end();
        // plain/classic already printed the error from the build.error event
        if (values.quiet || mode === 'json' || (err as { unreported?: boolean }).unreported) throw err;
        return 1;
      } finally {
        process.off('SIGINT', onSignal);
      }
    } finally {
      await api.close();
    }
  },
};

export default command;
