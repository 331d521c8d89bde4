// Metadata instructions: they change the image config only and add an empty_layer history
// entry (the lesson's FRAC rule: only FROM, RUN, ADD/COPY make layers).
import path from 'node:path';
import { addHistory, createdBy, expandPorts, setEnv } from '../image/config-builder.ts';
import type { ContainerConfig } from '../image/image.ts';
import type { Instruction } from '../dockerfile/index.ts';
import type { StageState } from './stage-state.ts';

export const METADATA_KINDS = new Set(['ENV', 'LABEL', 'EXPOSE', 'USER', 'CMD', 'ENTRYPOINT', 'VOLUME', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'ONBUILD', 'ARG', 'MAINTAINER']);

/** argv of CMD/ENTRYPOINT/HEALTHCHECK in shell form: the current SHELL wraps the text. */
export function commandArgv(command: string[], shellForm: boolean, shell: string[]): string[] {
  return shellForm ? [...shell, command.join(' ')] : command;
}

/** Applies one metadata instruction to the stage state (config + history). */
export function applyMetadata(state: StageState, ins: Instruction, created: string): void {
  const cfg: ContainerConfig = (state.config.config ??= {});
  let by: string;
  switch (ins.kind) {
    case 'ENV':
      for (const p of ins.pairs) setEnv(cfg, p.key, p.value);
      by = createdBy.env(ins.pairs.map((p) => [p.key, p.value]));
      break;
    case 'LABEL':
      cfg.Labels = { ...(cfg.Labels ?? {}) };
      for (const p of ins.pairs) cfg.Labels[p.key] = p.value;
      by = createdBy.label(ins.pairs.map((p) => [p.key, p.value]));
      break;
    case 'EXPOSE': {
      const ports = expandPorts(ins.ports);
      cfg.ExposedPorts = { ...(cfg.ExposedPorts ?? {}) };
      for (const p of ports) cfg.ExposedPorts[p] = {};
      by = createdBy.expose(ins.ports);
      break;
    }
    case 'USER':
      cfg.User = ins.user;
      by = createdBy.user(ins.user);
      break;
    case 'CMD':
      cfg.Cmd = commandArgv(ins.command, ins.shellForm, state.shell);
      state.cmdSet = true;
      by = createdBy.cmd(cfg.Cmd);
      break;
    case 'ENTRYPOINT':
      cfg.Entrypoint = commandArgv(ins.command, ins.shellForm, state.shell);
      if (!state.cmdSet) cfg.Cmd = null;
      by = createdBy.entrypoint(cfg.Entrypoint);
      break;
    case 'VOLUME':
      cfg.Volumes = { ...(cfg.Volumes ?? {}) };
      for (const v of ins.volumes) cfg.Volumes[v] = {};
      by = createdBy.volume(ins.volumes);
      break;
    case 'STOPSIGNAL':
      cfg.StopSignal = ins.signal;
      by = createdBy.stopsignal(ins.signal);
      break;
    case 'HEALTHCHECK': {
      const h = ins.health;
      if (h.type === 'NONE') cfg.Healthcheck = { Test: ['NONE'] };
      else {
        const ns = (ms: number) => (ms ? ms * 1_000_000 : undefined);
        cfg.Healthcheck = { Test: h.test, Interval: ns(h.intervalMs), Timeout: ns(h.timeoutMs), StartPeriod: ns(h.startPeriodMs), StartInterval: ns(h.startIntervalMs), Retries: h.retries || undefined };
        for (const k of Object.keys(cfg.Healthcheck) as (keyof typeof cfg.Healthcheck)[]) if (cfg.Healthcheck[k] === undefined) delete cfg.Healthcheck[k];
      }
      by = createdBy.healthcheck(cfg.Healthcheck.Test ?? []);
      break;
    }
    case 'SHELL':
      cfg.Shell = ins.shell;
      state.shell = ins.shell;
      by = createdBy.shell(ins.shell);
      break;
    case 'ONBUILD':
      cfg.OnBuild = [...(cfg.OnBuild ?? []), ins.expression];
      by = createdBy.onbuild(ins.expression);
      break;
    case 'ARG':
      for (const a of ins.args) if (!state.args.includes(a.key)) state.args.push(a.key);
      by = createdBy.arg(ins.args.map((a) => [a.key, a.value]));
      break;
    case 'MAINTAINER':
      state.config.author = ins.maintainer;
      by = `MAINTAINER ${ins.maintainer}`;
      break;
    default:
      throw new Error(`not a metadata instruction: ${ins.kind}`);
  }
  addHistory(state.config, { createdBy: by, created });
}

/** WORKDIR's absolute path (relative paths are relative to the previous WORKDIR). */
export function workdirPath(state: StageState, p: string): string {
  return path.posix.resolve(state.config.config?.WorkingDir || '/', p);
}
