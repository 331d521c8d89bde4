// HEALTHCHECK [--interval=... --timeout=... --start-period=... --start-interval=... --retries=N] CMD ... | NONE
import { parseGoDuration } from './duration.ts';
import { InstructionFlags } from './flags.ts';
import type { HealthConfig, InstructionNode } from './index.ts';
import { atLeastOne, InstructionError, jsonArgs } from './instruction-error.ts';

function duration(flags: InstructionFlags, name: string): number {
  const s = flags.getString(name);
  if (!s) return 0;
  const ms = parseGoDuration(s);
  if (ms === undefined) throw new InstructionError(`time: invalid duration "${s}" for --${name} (examples: 30s, 1m30s, 500ms)`);
  if (ms === 0) return 0;
  if (ms < 1) throw new InstructionError(`Interval "${name}" cannot be less than 1ms`);
  return ms;
}

export function parseHealth(node: InstructionNode, args: string[]): HealthConfig {
  if (args.length === 0) throw atLeastOne('HEALTHCHECK');
  let type = args[0].toUpperCase();
  const rest = args.slice(1);
  if (type === 'NONE') {
    if (rest.length !== 0) throw new InstructionError('HEALTHCHECK NONE takes no arguments');
    return { type: 'NONE' };
  }
  const flags = new InstructionFlags('HEALTHCHECK', node.flags)
    .string('interval').string('timeout').string('start-period').string('start-interval').string('retries')
    .parse();
  if (type !== 'CMD') throw new InstructionError(`Unknown type "${type}" in HEALTHCHECK (try CMD)`);
  const cmd = jsonArgs(rest, node.json);
  if (cmd.length === 0) throw new InstructionError('Missing command after HEALTHCHECK CMD');
  if (!node.json) type = 'CMD-SHELL';
  let retries = 0;
  const r = flags.getString('retries');
  if (r) {
    if (!/^[+-]?\d+$/.test(r) || Math.abs(Number(r)) > 2 ** 31 - 1) {
      throw new InstructionError(`invalid --retries value "${r}": expected a whole number`);
    }
    retries = Number(r);
    if (retries < 0) throw new InstructionError(`--retries cannot be negative (${retries})`);
  }
  return {
    type: 'CMD',
    test: [type, ...cmd],
    intervalMs: duration(flags, 'interval'),
    timeoutMs: duration(flags, 'timeout'),
    startPeriodMs: duration(flags, 'start-period'),
    startIntervalMs: duration(flags, 'start-interval'),
    retries,
  };
}

