// Checks BuildKit makes when it dispatches an instruction (after expansion): valid stop
// signal (moby/sys/signal.ParseSignal) and valid exposed ports (go-connections/nat).

const SIGNALS = new Set([
  'ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE',
  'POLL', 'PROF', 'PWR', 'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU',
  'URG', 'USR1', 'USR2', 'VTALRM', 'WINCH', 'XCPU', 'XFSZ', 'RTMIN', 'RTMAX',
  ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`),
  ...Array.from({ length: 14 }, (_, i) => `RTMAX-${i + 1}`),
]);

/** Error message for an invalid STOPSIGNAL value, or undefined when it is valid. */
export function checkSignal(raw: string): string | undefined {
  if (/^[+-]?\d+$/.test(raw)) {
    return Number(raw) === 0 ? `Invalid signal: ${raw}` : undefined;
  }
  const name = raw.toUpperCase().replace(/^SIG/, '');
  return SIGNALS.has(name) ? undefined : `Invalid signal: ${raw} (use a name like SIGTERM or a number)`;
}

function checkPortNumber(p: string, what: string): string | undefined {
  if (!/^\d+$/.test(p) || Number(p) > 65535) return `invalid ${what}: ${p}`;
  return undefined;
}

/** Error message for an invalid EXPOSE port spec (`80`, `80/tcp`, `8000-8010/udp`), or undefined. */
export function checkPort(spec: string): string | undefined {
  const slash = spec.lastIndexOf('/');
  const port = slash < 0 ? spec : spec.slice(0, slash);
  const proto = slash < 0 ? 'tcp' : spec.slice(slash + 1);
  if (!['tcp', 'udp', 'sctp'].includes(proto.toLowerCase())) return `invalid proto: ${proto}`;
  // ip:hostPort:containerPort forms are accepted by docker; only the container port matters here.
  const container = port.split(':').pop() ?? '';
  if (container === '') return `no port specified: ${spec}<empty>`;
  const [start, end, extra] = container.split('-');
  if (extra !== undefined) return `invalid containerPort: ${container}`;
  const bad = checkPortNumber(start, 'containerPort') ?? (end !== undefined ? checkPortNumber(end, 'containerPort') : undefined);
  if (bad) return bad;
  if (end !== undefined && Number(end) < Number(start)) return `invalid range specified for containerPort: ${container}`;
  return undefined;
}
