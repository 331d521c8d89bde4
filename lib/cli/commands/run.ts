// lab run [--rm] [-i] [-t] [-d] [--entrypoint X] [-e K=V] [--name N] [-w DIR] [-u USER] IMAGE [CMD...]
// docker run through the daemon: create, attach (stdin/out), wait, start; exits with the
// container's exit code. With -t and a terminal here, the local terminal goes raw and its size
// follows along (at start and on SIGWINCH).
import type { Readable } from 'node:stream';
import type { Command } from '../main.ts';
import { EngineError } from '../../engine/errors.ts';
import { familiarString, parseReference } from '../../engine/image/reference.ts';
import { loadCredentials } from '../../engine/registry/client/credentials.ts';
import { containerClient, daemonError, Demuxer, duplexRequest } from './container.ts';

export interface RunFlags {
  rm: boolean;
  interactive: boolean;
  tty: boolean;
  detach: boolean;
  entrypoint?: string;
  env: string[];
  name?: string;
  workdir?: string;
  user?: string;
  image: string;
  cmd: string[];
}

const WITH_VALUE: Record<string, keyof RunFlags> = { '--entrypoint': 'entrypoint', '-e': 'env', '--env': 'env', '--name': 'name', '-w': 'workdir', '--workdir': 'workdir', '-u': 'user', '--user': 'user' };
const BOOL: Record<string, keyof RunFlags> = { '--rm': 'rm', '-i': 'interactive', '--interactive': 'interactive', '-t': 'tty', '--tty': 'tty', '-d': 'detach', '--detach': 'detach' };

/** Flags stop at the image name: everything after it is the command (docker's rule). */
export function parseRunArgs(args: string[]): RunFlags {
  const f: RunFlags = { rm: false, interactive: false, tty: false, detach: false, env: [], image: '', cmd: [] };
  const set = (key: keyof RunFlags, value: string) => {
    if (key === 'env') f.env.push(value);
    else (f as unknown as Record<string, string>)[key] = value;
  };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (WITH_VALUE[name]) {
      const value = name !== a ? a.slice(eq + 1) : args[++i];
      if (value === undefined) throw new EngineError('INVALID_FLAG', `flag needs an argument: ${name}`);
      set(WITH_VALUE[name], value);
    } else if (BOOL[a]) (f as unknown as Record<string, boolean>)[BOOL[a]] = true;
    else if (/^-[a-zA-Z]{2,}$/.test(a)) {
      // combined short flags: -it, -dit, -ite VALUE
      for (let k = 1; k < a.length; k++) {
        const s = `-${a[k]}`;
        if (BOOL[s]) (f as unknown as Record<string, boolean>)[BOOL[s]] = true;
        else if (WITH_VALUE[s] && k === a.length - 1) {
          const value = args[++i];
          if (value === undefined) throw new EngineError('INVALID_FLAG', `flag needs an argument: ${s}`);
          set(WITH_VALUE[s], value);
        } else throw new EngineError('INVALID_FLAG', `unknown shorthand flag: '${a[k]}' in ${a}`);
      }
    } else throw new EngineError('INVALID_FLAG', `unknown flag: ${a} (see "lab run --help")`);
  }
  f.image = args[i] ?? '';
  f.cmd = args.slice(i + 1);
  if (!f.image) throw new EngineError('INVALID_ARGUMENT', '"lab run" requires at least 1 argument: lab run [OPTIONS] IMAGE [COMMAND] [ARG...]');
  return f;
}

const USAGE = 'Usage: lab run [--rm] [-i] [-t] [-d] [--entrypoint X] [-e K=V] [--name N] [-w DIR] [-u USER] IMAGE [COMMAND] [ARG...]\n';

const command: Command = {
  summary: 'run a command in a new container (docker run)',
  async run(args) {
    if (args[0] === '--help' || args[0] === '-h') {
      process.stdout.write(USAGE);
      return 0;
    }
    let f: RunFlags;
    try {
      f = parseRunArgs(args);
    } catch (err) {
      process.stderr.write(`docker: ${(err as Error).message}\n${USAGE}`);
      return 125;
    }
    const client = await containerClient();
    const stdinIsTty = !!process.stdin.isTTY;
    if (f.tty && f.interactive && !stdinIsTty) {
      process.stderr.write('the input device is not a TTY: drop -t, or run it in a terminal\n');
      return 1;
    }
    let id: string;
    const body = {
        Image: f.image, Cmd: f.cmd.length ? f.cmd : undefined, Entrypoint: f.entrypoint !== undefined ? [f.entrypoint] : undefined,
        Env: f.env, WorkingDir: f.workdir, User: f.user, Tty: f.tty, OpenStdin: f.interactive, HostConfig: { AutoRemove: f.rm },
    };
    const q = f.name ? `?name=${encodeURIComponent(f.name)}` : '';
    const create = async () => {
      const { Readable } = await import('node:stream');
      return (await client.json<{ Id: string }>({ method: 'POST', path: `/containers/create${q}`, body: Readable.from([JSON.stringify(body)]), headers: { 'Content-Type': 'application/json' } })).Id;
    };
    try {
      id = await create();
    } catch (err) {
      if ((err as EngineError).code !== 'NOT_FOUND') return daemonError(err);
      const pulled = await pullMissing(client, f.image);
      if (!pulled) return 125;
      try {
        id = await create();
      } catch (again) {
        return daemonError(again);
      }
    }

    if (f.detach) {
      try {
        await client.json({ method: 'POST', path: `/containers/${id}/start` });
      } catch (err) {
        return daemonError(err);
      }
      process.stdout.write(`${id}\n`);
      return 0;
    }
    return attachAndRun(client, id, { tty: f.tty, interactive: f.interactive });
  },
};
export default command;

/**
 * Docker pulls a missing image before it runs it. From a registry named in the reference (the lab
 * registry, 127.0.0.1:5000/...) we do too; Docker Hub is out of reach here, so for plain names
 * like busybox or myapp we say how to get one instead.
 */
async function pullMissing(client: Awaited<ReturnType<typeof containerClient>>, image: string): Promise<boolean> {
  let shown = image;
  let domain = 'docker.io';
  try {
    const ref = parseReference(image);
    domain = ref.domain;
    shown = familiarString(ref.tag || ref.digest ? ref : { ...ref, tag: 'latest' });
  } catch {
    // not a valid reference: show it as typed
  }
  process.stderr.write(`Unable to find image '${shown}' locally\n`);
  if (domain === 'docker.io') {
    process.stderr.write(`docker: no image ${shown} here, and Docker Hub is out of reach from the lab: build it (docker build -t ${shown} .) or pull it from the lab registry (docker pull HOST/NAME:TAG).\n`);
    return false;
  }
  try {
    await client.pull(image, { credentials: await loadCredentials(domain) }, (line) => process.stderr.write(`${line}\n`));
    return true;
  } catch (err) {
    daemonError(err);
    return false;
  }
}

/** Attach (stdin with `interactive`), wait, start; relays output; resolves with the exit code. */
export async function attachAndRun(client: Awaited<ReturnType<typeof containerClient>>, id: string, f: { tty: boolean; interactive: boolean }): Promise<number> {
  const stdin: Readable | undefined = f.interactive ? process.stdin : undefined;
  const raw = f.tty && f.interactive && !!process.stdin.isTTY;
  const { req, res } = await duplexRequest(client.socketPath, `/containers/${id}/attach?stream=1&stdout=1&stderr=1${stdin ? '&stdin=1' : ''}`, stdin);
  const outputDone = new Promise<void>((resolve) => {
    res.on('end', resolve);
    res.on('close', resolve);
  });
  // a slow terminal or pipe here pauses the stream, and so, through the daemon, the container
  const write = (out: NodeJS.WriteStream, c: Buffer) => {
    if (!out.write(c)) {
      res.pause();
      out.once('drain', () => res.resume());
    }
  };
  if (f.tty) res.on('data', (c: Buffer) => write(process.stdout, c));
  else {
    const demux = new Demuxer((s, payload) => write(s === 2 ? process.stderr : process.stdout, payload));
    res.on('data', (c: Buffer) => demux.push(c));
  }
  const exit = client.json<{ StatusCode: number }>({ method: 'POST', path: `/containers/${id}/wait?condition=next-exit` });
  exit.catch(() => undefined);
  const size = () => (process.stdout.isTTY ? `?h=${process.stdout.rows}&w=${process.stdout.columns}` : '');
  const onResize = () => void client.json({ method: 'POST', path: `/containers/${id}/resize${size()}` }).catch(() => undefined);
  // Ctrl-C and kill reach the container (docker's sig-proxy); a process 1 without a handler
  // ignores SIGINT, so a second Ctrl-C kills it.
  let interrupts = 0;
  const forward = (sig: NodeJS.Signals) => {
    const signal = sig === 'SIGINT' && ++interrupts > 1 ? 'KILL' : sig.replace(/^SIG/, '');
    if (signal === 'KILL') process.stderr.write('\nkilling the container (a second Ctrl-C)\n');
    void client.json({ method: 'POST', path: `/containers/${id}/kill?signal=${signal}` }).catch(() => undefined);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    if (raw) process.stdin.setRawMode(true);
    await client.json({ method: 'POST', path: `/containers/${id}/start${f.tty ? size() : ''}` });
    if (f.tty && process.stdout.isTTY) process.stdout.on('resize', onResize);
    const { StatusCode } = await exit;
    await outputDone;
    return StatusCode;
  } catch (err) {
    return daemonError(err);
  } finally {
    process.stdout.off('resize', onResize);
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    if (raw) process.stdin.setRawMode(false);
    req.destroy();
    if (stdin) process.stdin.destroy(); // nothing more to send: let the process end
  }
}
