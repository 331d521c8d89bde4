// RUN: the command through the executor (runc) on a snapshot of the parent's layers.
import path from 'node:path';
import { EngineError, ErrorCodes, isEngineError } from '../errors.ts';
import { quotaFull } from '../executor/quota-fs.ts';
import { formatBytes, limitError, MAX_LAYER_BYTES } from '../limits.ts';
import type { RunInstruction, RunMount as DockerfileMount } from '../dockerfile/index.ts';
import type { Executor, RunMount } from '../executor/executor.ts';
import { createdBy } from '../image/config-builder.ts';
import type { StepInputs } from '../build-cache/cache.ts';
import type { StageState } from './stage-state.ts';
import { argValues, runEnv } from './stage-state.ts';

/** argv of a RUN: exec form verbatim, shell form through SHELL; heredocs like BuildKit. */
export function runArgv(ins: RunInstruction, shell: string[]): string[] {
  if (!ins.shellForm) return ins.command;
  const text = ins.command.join(' ');
  if (ins.files.length === 1 && /^\s*<<-?\s*(['"]?)[A-Za-z0-9_.-]+\1\s*$/.test(text)) {
    // `RUN <<EOF` alone: the body is the script.
    return [...shell, ins.files[0].data];
  }
  if (ins.files.length > 0) {
    // `RUN cat <<EOF > f`: the shell reads the heredoc itself.
    return [...shell, text + '\n' + ins.files.map((f) => `${f.data}${f.data.endsWith('\n') || f.data === '' ? '' : '\n'}${f.name}\n`).join('')];
  }
  return [...shell, text];
}

/** A run mount whose source the caller must provide (bind from a stage, image or the context). */
export type MountSource = (m: DockerfileMount) => Promise<{ hostPath: string; identity: string }>;

export type PreparedRun = {
  argv: string[];
  inputs: StepInputs;
  createdBy: string;
  mounts: RunMount[];
};

/** `RUN <<EOF` whose body starts with "#!": BuildKit runs it as a file, not through the shell. */
export function shebangScript(ins: RunInstruction): { name: string; data: string } | undefined {
  if (!ins.shellForm || ins.files.length !== 1) return undefined;
  if (!/^\s*<<-?\s*(['"]?)[A-Za-z0-9_.-]+\1\s*$/.test(ins.command.join(' '))) return undefined;
  return ins.files[0].data.startsWith('#!') ? { name: ins.files[0].name, data: ins.files[0].data } : undefined;
}

export async function prepareRun(ins: RunInstruction, state: StageState, resolveBind: MountSource, scriptFile?: (name: string, data: string) => Promise<string>): Promise<PreparedRun> {
  let argv = runArgv(ins, state.shell);
  const script = shebangScript(ins);
  const scriptMounts: RunMount[] = [];
  if (script && scriptFile) {
    // Mounted read-only under /dev (a tmpfs in the container): it never touches the rootfs.
    const target = `/dev/pipes/${script.name}`;
    scriptMounts.push({ type: 'bind', target, source: await scriptFile(script.name, script.data), readonly: true });
    argv = [target];
  }
  const args = argValues(state);
  const mounts: RunMount[] = [];
  const described: string[] = [];
  for (const m of ins.mounts) {
    const where = (t?: string) => {
      if (!t) throw new EngineError(ErrorCodes.INVALID_FLAG, `RUN --mount=${m.raw}: target is required`, { range: ins.range });
      return path.posix.resolve(state.config.config?.WorkingDir || '/', t);
    };
    switch (m.type) {
      case 'cache': {
        const target = where(m.target);
        mounts.push({ type: 'cache', target, id: m.id ?? target, sharing: m.sharing, readonly: m.readOnly, mode: m.mode, uid: m.uid, gid: m.gid });
        described.push(`cache ${m.id ?? target} ${target} ${m.sharing ?? 'shared'}${m.readOnly ? ' ro' : ''}`);
        break;
      }
      case 'tmpfs': {
        const target = where(m.target);
        mounts.push({ type: 'tmpfs', target, size: m.size });
        described.push(`tmpfs ${target} ${m.size ?? ''}`);
        break;
      }
      case 'secret': {
        const id = m.id ?? (m.target ? path.posix.basename(m.target) : undefined);
        if (!id) throw new EngineError(ErrorCodes.INVALID_FLAG, `RUN --mount=${m.raw}: a secret needs id= or target=`, { range: ins.range });
        // env=NAME (BuildKit 0.14+): the value as a variable; a file too only when target= is given
        mounts.push({ type: 'secret', id, target: m.target, env: m.env, required: m.required, mode: m.mode, uid: m.uid, gid: m.gid });
        // The secret's id and target enter the cache key, never its contents.
        described.push(`secret ${id} ${m.env !== undefined && m.target === undefined ? `env=${m.env}` : (m.target ?? `/run/secrets/${id}`)}`);
        break;
      }
      case 'bind': {
        const target = where(m.target);
        const src = await resolveBind(m);
        mounts.push({ type: 'bind', target, source: src.hostPath, readonly: m.readOnly });
        described.push(`bind ${src.identity} ${target}${m.readOnly ? '' : ' rw'}`);
        break;
      }
      default:
        throw new EngineError(ErrorCodes.INVALID_FLAG, `RUN --mount=type=${m.type} is not supported by this builder (use cache, secret, tmpfs or bind)`, { range: ins.range });
    }
  }
  mounts.push(...scriptMounts);
  const cfg = state.config.config ?? {};
  const inputs: StepInputs = {
    kind: 'run',
    text: `RUN ${JSON.stringify(argv)}`,
    env: [...runEnv(state)].sort(),
    args: Object.fromEntries(args),
    user: cfg.User ?? '',
    workdir: cfg.WorkingDir || '/',
    shell: state.shell,
    mounts: described,
    extra: { network: ins.network ?? 'default', security: ins.security ?? 'sandbox', ...(script ? { script: script.data } : {}) },
  };
  return { argv, inputs, createdBy: createdBy.run(argv, args), mounts };
}

/** The --secret values the RUN's mounts ask for (a missing one is checked by the mount itself). */
export function loadSecrets(secrets: Record<string, Buffer> | undefined, wanted: RunMount[]): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const m of wanted) if (m.type === 'secret' && secrets?.[m.id]) out[m.id] = secrets[m.id];
  return out;
}

export async function executeRun(executor: Executor, rootfs: string, upperdir: string, run: PreparedRun, state: StageState, opts: {
  secrets: Record<string, Buffer>;
  onLine: (stream: 'stdout' | 'stderr', line: string) => void;
  signal?: AbortSignal;
  network?: string;
}): Promise<void> {
  if (opts.network === 'host') throw new EngineError(ErrorCodes.INVALID_FLAG, 'RUN --network=host is not allowed: build steps have no network');
  const cfg = state.config.config ?? {};
  await executor.run({
    rootfs,
    args: run.argv,
    env: runEnv(state),
    cwd: cfg.WorkingDir || '/',
    user: cfg.User || undefined,
    mounts: run.mounts,
    secrets: opts.secrets,
    writableDir: upperdir,
    onStdout: (l) => opts.onLine('stdout', l),
    onStderr: (l) => opts.onLine('stderr', l),
    signal: opts.signal,
    displayCommand: run.argv.join(' '),
  }).catch(async (err) => {
    // the upperdir's filesystem is full: the step hit the layer limit (ENOSPC inside)
    if (isEngineError(err) && err.code === ErrorCodes.RUN_FAILED && (await quotaFull(upperdir, MAX_LAYER_BYTES))) {
      throw limitError(`RUN wrote more than ${formatBytes(MAX_LAYER_BYTES)} ("${run.argv.join(' ')}")`, formatBytes(MAX_LAYER_BYTES), 'LAB_MAX_LAYER_BYTES',
        'write less in one step (delete downloads in the same RUN) or use RUN --mount=type=cache for caches');
    }
    throw err;
  });
}
