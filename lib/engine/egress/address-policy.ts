// Which addresses a request made for a student may connect to: every non-public range is
// denied by name (loopback, private, link-local, ...), then the operator's LAB_EGRESS_ALLOW and
// the policy's own exact host:port entries (the lab's registry) may open single holes.
import net from 'node:net';
import { EngineError, ErrorCodes } from '../errors.ts';
import type { EgressPolicy, EgressPurpose } from './egress.ts';

/** Non-public ranges and what a student is told they are. IPv4-mapped IPv6 forms are matched by BlockList itself. */
const DENIED: Array<[string, number, 'ipv4' | 'ipv6', string]> = [
  ['0.0.0.0', 8, 'ipv4', 'a "this network" address'],
  ['10.0.0.0', 8, 'ipv4', 'a private (RFC 1918) address'],
  ['100.64.0.0', 10, 'ipv4', 'a carrier-grade NAT address'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local address (cloud metadata lives there)'],
  ['172.16.0.0', 12, 'ipv4', 'a private (RFC 1918) address'],
  ['192.0.0.0', 24, 'ipv4', 'an IETF protocol address'],
  ['192.0.2.0', 24, 'ipv4', 'a documentation address'],
  ['192.168.0.0', 16, 'ipv4', 'a private (RFC 1918) address'],
  ['198.18.0.0', 15, 'ipv4', 'a benchmarking address'],
  ['198.51.100.0', 24, 'ipv4', 'a documentation address'],
  ['203.0.113.0', 24, 'ipv4', 'a documentation address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved or broadcast address'],
  ['::', 128, 'ipv6', 'the unspecified address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
  ['100::', 64, 'ipv6', 'a discard address'],
  ['2001:db8::', 32, 'ipv6', 'a documentation address'],
  ['fc00::', 7, 'ipv6', 'a private (unique local) address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['fec0::', 10, 'ipv6', 'a site-local address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
];

const denyLists = DENIED.map(([addr, prefix, family, why]) => {
  const list = new net.BlockList();
  list.addSubnet(addr, prefix, family);
  return { list, why };
});

/** An IPv4 address carried inside an IPv6 one (::a.b.c.d, ::ffff:0:a.b.c.d, 64:ff9b::/96 NAT64): checked as IPv4. */
function embeddedIpv4(address: string): string | undefined {
  const normal = new URL(`http://[${address}]/`).hostname.slice(1, -1); // WHATWG form: lowercase, compressed, hex groups
  const m = /^(?:::(?:ffff:0:)?|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(normal);
  if (!m) return undefined;
  const hi = parseInt(m[1], 16);
  const lo = parseInt(m[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Why `address` is not a public address, or undefined when it is. */
export function nonPublicReason(address: string): string | undefined {
  if (address.includes('%')) return 'a scoped (interface-bound) address';
  const family = net.isIP(address);
  if (!family) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const d of denyLists) if (d.list.check(address, type)) return d.why;
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return nonPublicReason(v4);
  }
  return undefined;
}

/** host:port as the policy compares it: lowercased, IPv6 without brackets. */
export function hostPortKey(host: string, port: number): string {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return `${h.includes(':') ? `[${h}]` : h}:${port}`;
}

/**
 * LAB_EGRESS_ALLOW: comma list of CIDRs ("127.0.0.1/32", "10.1.0.0/16", "::1/128") and exact
 * host:port entries ("127.0.0.1:8080", "mirror.local:80", "[::1]:5000"). Read when a policy is made.
 */
export function parseAllow(raw: string | undefined): { cidrs: net.BlockList; hostPorts: Set<string> } {
  const cidrs = new net.BlockList();
  const hostPorts = new Set<string>();
  for (const item of (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const cidr = /^(.+)\/(\d{1,3})$/.exec(item);
    if (cidr && net.isIP(cidr[1])) {
      const fam = net.isIP(cidr[1]) === 4 ? 'ipv4' : 'ipv6';
      const prefix = Number(cidr[2]);
      if (prefix > (fam === 'ipv4' ? 32 : 128)) throw badAllow(item);
      cidrs.addSubnet(cidr[1], prefix, fam);
      continue;
    }
    const hp = /^(\[[0-9a-f:.]+\]|[^:[\]/]+):(\d{1,5})$/i.exec(item);
    if (!hp || Number(hp[2]) > 65535) throw badAllow(item);
    hostPorts.add(hostPortKey(hp[1], Number(hp[2])));
  }
  return { cidrs, hostPorts };
}

function badAllow(item: string): EngineError {
  return new EngineError(ErrorCodes.INVALID_INPUT, `LAB_EGRESS_ALLOW: "${item}" is neither a CIDR (10.0.0.0/8) nor host:port (127.0.0.1:8080)`);
}

/**
 * The policy for one purpose: public addresses, plus LAB_EGRESS_ALLOW, plus `hostPorts`
 * (exact host:port, e.g. the lab's own registry — only for the registry purpose).
 */
export function egressPolicy(purpose: EgressPurpose, opts: { env?: Record<string, string | undefined>; hostPorts?: string[]; ports?: number[] } = {}): EgressPolicy {
  const env = opts.env ?? process.env;
  const allow = parseAllow(env.LAB_EGRESS_ALLOW);
  for (const hp of opts.hostPorts ?? []) {
    const m = /^(\[[0-9a-f:.]+\]|[^:[\]/]+):(\d{1,5})$/i.exec(hp);
    if (m) allow.hostPorts.add(hostPortKey(m[1], Number(m[2])));
  }
  return { purpose, allowCidrs: allow.cidrs, allowHostPorts: allow.hostPorts, ports: opts.ports };
}

/**
 * The verdict for connecting to `address` (already resolved) for `host:port` as the URL names
 * it: undefined when allowed, else the reason a student reads.
 */
export function refusal(policy: EgressPolicy, host: string, address: string, port: number): string | undefined {
  if (policy.unrestricted) return undefined;
  if (address.includes('%')) return `${address} is a scoped (interface-bound) address`;
  if (policy.allowHostPorts.has(hostPortKey(host, port)) || policy.allowHostPorts.has(hostPortKey(address, port))) return undefined;
  if (policy.ports && !policy.ports.includes(port)) return `port ${port} is not one of the allowed ports (${policy.ports.join(', ')})`;
  const family = net.isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (policy.allowCidrs.check(address, family)) return undefined;
  const why = nonPublicReason(address);
  if (!why) return undefined;
  const shown = host.replace(/^\[|\]$/g, '') === address ? address : `${host.replace(/^\[|\]$/g, '')} (${address})`;
  return `${shown} is ${why}`;
}

/**
 * The policy for a client of registry `host` (as in an image reference). The lab's registry
 * hole is opened only when the student named the lab's registry itself: another registry
 * cannot send its token realm or a redirect to the lab's port.
 */
export function registryPolicy(host: string, labRegistry: string[] = [], env?: Record<string, string | undefined>): EgressPolicy {
  const key = (hp: string) => {
    const m = /^(\[[0-9a-f:.]+\]|[^:[\]/]+)(?::(\d{1,5}))?$/i.exec(hp);
    return m ? hostPortKey(m[1], Number(m[2] ?? 443)) : hp;
  };
  const own = labRegistry.some((r) => key(r) === key(host));
  return egressPolicy('registry', { env, hostPorts: own ? labRegistry : [] });
}
