// Building image configs the way BuildKit's Dockerfile frontend does: a copy of the base
// config, one history entry per instruction (empty_layer for metadata), created_by strings
// in BuildKit's words ("RUN /bin/sh -c make # buildkit", `CMD ["sh"]`, "EXPOSE map[80/tcp:{}]").
import { goQuoteSlice, formatMap } from './go-format.ts';
import type { ContainerConfig, Digest, HistoryEntry, ImageConfig } from './image.ts';

/** BuildKit writes this comment on every history entry of a Dockerfile build. */
export const BUILDKIT_COMMENT = 'buildkit.dockerfile.v0';
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A fresh config: a deep copy of the base image's config, or scratch's empty one. */
export function newImageConfig(base?: ImageConfig, platform: { os?: string; architecture?: string } = {}): ImageConfig {
  if (base) {
    const copy = structuredClone(base);
    delete copy.created;
    copy.history = copy.history ?? [];
    copy.config = copy.config ?? {};
    // BuildKit convert.go ("make sure that PATH is always set"): a base without PATH gets
    // system.DefaultPathEnv prepended, first in Env (not for Windows bases).
    const env = copy.config.Env ?? [];
    if (copy.os !== 'windows' && !env.some((e) => e.split('=')[0] === 'PATH')) copy.config.Env = [`PATH=${DEFAULT_PATH}`, ...env];
    return copy;
  }
  return {
    architecture: platform.architecture ?? nodeArchToOci(process.arch),
    os: platform.os ?? 'linux',
    config: { Env: [`PATH=${DEFAULT_PATH}`] },
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
}

export function nodeArchToOci(arch: string): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

/** Appends a history entry; with a layer, also appends its diffID to rootfs. Returns config. */
export function addHistory(
  config: ImageConfig,
  entry: { createdBy: string; created?: string; diffId?: Digest; comment?: string; author?: string },
): ImageConfig {
  const h: HistoryEntry = {};
  if (entry.created) h.created = entry.created;
  if (entry.author) h.author = entry.author;
  h.created_by = entry.createdBy;
  h.comment = entry.comment ?? BUILDKIT_COMMENT;
  if (!entry.diffId) h.empty_layer = true;
  else config.rootfs.diff_ids.push(entry.diffId);
  (config.history ??= []).push(h);
  return config;
}

/** Sets config.config fields (Env merged by key like docker's ENV). */
export function setEnv(config: ContainerConfig, name: string, value: string): void {
  const env = (config.Env ??= []);
  const i = env.findIndex((e) => e.split('=')[0] === name);
  if (i >= 0) env[i] = `${name}=${value}`;
  else env.push(`${name}=${value}`);
}

/** created_by strings as BuildKit writes them. `layer` adds the " # buildkit" suffix. */
export const createdBy = {
  /** RUN: args is the full argv (shell form already wrapped: ["/bin/sh","-c","make"]);
   *  build args in scope are prefixed like BuildKit: "|2 A=1 B=2 /bin/sh -c make". */
  run(args: string[], buildArgs: Array<[string, string]> = []): string {
    const prefix = buildArgs.length ? `|${buildArgs.length} ${buildArgs.map(([k, v]) => `${k}=${v}`).join(' ')} ` : '';
    return withLayer(`RUN ${prefix}${args.join(' ')}`);
  },
  /** COPY/ADD with its flags as written (e.g. ["--from=build", "--chown=1000"]). */
  copy(cmd: 'COPY' | 'ADD', flags: string[], sources: string[], dest: string): string {
    return withLayer([cmd, ...flags, ...sources, dest].join(' '));
  },
  workdir(dir: string, createdLayer: boolean): string {
    return createdLayer ? withLayer(`WORKDIR ${dir}`) : `WORKDIR ${dir}`;
  },
  env(pairs: Array<[string, string]>): string {
    return `ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
  },
  label(pairs: Array<[string, string]>): string {
    return `LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
  },
  arg(pairs: Array<[string, string | undefined]>): string {
    return `ARG ${pairs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join(' ')}`;
  },
  cmd(args: string[]): string {
    return `CMD ${goQuoteSlice(args)}`;
  },
  entrypoint(args: string[]): string {
    return `ENTRYPOINT ${goQuoteSlice(args)}`;
  },
  shell(args: string[]): string {
    return `SHELL ${goQuoteSlice(args)}`;
  },
  volume(paths: string[]): string {
    return `VOLUME ${goQuoteSlice(paths)}`;
  },
  expose(ports: string[]): string {
    const map: Record<string, Record<string, never>> = {};
    for (const p of expandPorts(ports)) map[p] = {};
    return `EXPOSE ${formatMap(map)}`;
  },
  user(user: string): string {
    return `USER ${user}`;
  },
  stopsignal(signal: string): string {
    return `STOPSIGNAL ${signal}`;
  },
  healthcheck(test: string[]): string {
    return `HEALTHCHECK ${goQuoteSlice(test)}`;
  },
  onbuild(expression: string): string {
    return `ONBUILD ${expression}`;
  },
};

function withLayer(s: string): string {
  return `${s} # buildkit`;
}

/** EXPOSE specs as config keys, like BuildKit's dispatchExpose via nat.ParsePortSpecs:
 *  "80" -> "80/tcp", "7000-7002/tcp" -> one key per port of the range. */
export function expandPorts(specs: string[]): string[] {
  const out: string[] = [];
  for (const spec of specs) {
    const slash = spec.indexOf('/');
    const port = slash >= 0 ? spec.slice(0, slash) : spec;
    const proto = slash >= 0 ? spec.slice(slash + 1).toLowerCase() : 'tcp';
    const range = /^(\d+)-(\d+)$/.exec(port);
    const start = range ? Number(range[1]) : NaN;
    const end = range ? Number(range[2]) : NaN;
    if (range && start <= end && end <= 65535) for (let n = start; n <= end; n++) out.push(`${n}/${proto}`);
    else out.push(`${port}/${proto}`);
  }
  return out;
}
