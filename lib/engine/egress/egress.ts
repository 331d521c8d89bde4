/**
 * Egress: the one way the engine opens an outbound HTTP(S) connection for a student — ADD <url>
 * downloads, and registry calls (pull, push, login, the token realm a registry names).
 *
 * A student chooses the URL, so the URL is not trusted, nor is the DNS answer for its name, nor
 * a redirect or a WWW-Authenticate realm the far side sends back. For every hop:
 *
 *   1. parse   Only http: and https:. The WHATWG parser already turns 2130706433, 0x7f.1,
 *              0177.0.0.1 and 127.1 into 127.0.0.1, and [::ffff:127.0.0.1] into ::ffff:7f00:1.
 *   2. resolve The host is resolved ONCE (an injectable `lookup`, default dns.lookup all=true).
 *   3. check   Every address of the answer is checked against the policy (address-policy.ts):
 *              loopback, private, CGNAT, link-local (cloud metadata), ULA, multicast,
 *              broadcast, documentation and the IPv4-in-IPv6 forms of those are refused —
 *              unless LAB_EGRESS_ALLOW or the policy's exact host:port list (the lab's own
 *              registry, registry purpose only) opens that hole. One bad address refuses all.
 *   4. connect The socket goes to the CHECKED address: node:http(s) gets a `lookup` that
 *              answers only that address, so a second DNS answer (rebinding) is never asked
 *              for. The Host header and TLS SNI/certificate name stay the URL's name.
 *   5. redirect Followed by hand (at most maxRedirects), each Location going through 1-4 again;
 *              Authorization is dropped when a redirect leaves the origin (as fetch does).
 *
 * Refusals are EngineError INVALID_INPUT, "refused: <host> is a loopback address; ..." with
 * no host paths; the caller prefixes what it was doing ("ADD <url>: ", "registry <host>: ").
 * Answers come back as a WHATWG Response, streamed one chunk at a time (nothing is buffered
 * here; readBounded reads a small answer whole, up to a cap). A connection idle for
 * LAB_EGRESS_IDLE_TIMEOUT_SECONDS is ended, so a server that stalls cannot hold a build or pull.
 *
 * Terms
 *   purpose   'add' (ADD <url>) or 'registry' (distribution API + token realm): only named in
 *             messages and what the lab registry hole applies to.
 *   policy    What may be reached (EgressPolicy). egressPolicy('add') for ADD and
 *             registryPolicy(host, labRegistry) for a registry client are made from the
 *             environment each time (address-policy.ts); UNRESTRICTED is for the operator's own
 *             CLI and tests that talk to a loopback registry directly, never for a request made
 *             for a student.
 *   lab registry  The site's own /v2 (host:port list from lib/runtime/daemon-wiring.ts). Its
 *             hole opens only for a client of that registry, so another registry cannot send a
 *             token realm or a redirect to the lab's port.
 */
import type { BlockList } from 'node:net';

export type EgressPurpose = 'add' | 'registry';

export interface EgressPolicy {
  purpose: EgressPurpose;
  /** Ranges the operator allowed (LAB_EGRESS_ALLOW CIDRs). */
  allowCidrs: BlockList;
  /** Exact host:port keys allowed (hostPortKey form): LAB_EGRESS_ALLOW entries, the lab's registry. */
  allowHostPorts: Set<string>;
  /** Ports that may be reached; undefined: any (as BuildKit allows). */
  ports?: number[];
  /** No address check at all: the operator's own process, not a student's request. */
  unrestricted?: boolean;
}

export type LookupAddress = { address: string; family: 4 | 6 };
/** Resolves a host name to every address (the test seam for resolvers that lie). */
export type Lookup = (hostname: string) => Promise<LookupAddress[]>;

export interface EgressRequest {
  method?: string;
  headers?: Record<string, string>;
  /** A Buffer, or chunks streamed once (cannot be replayed on a 307/308 redirect). */
  body?: Buffer | AsyncIterable<Uint8Array>;
  policy: EgressPolicy;
  signal?: AbortSignal;
  /** Default 5, like a browser's far larger limit but enough for CDNs and registries. */
  maxRedirects?: number;
  lookup?: Lookup;
  /** No byte either way for this long ends the request (default LAB_EGRESS_IDLE_TIMEOUT_SECONDS). */
  idleTimeoutMs?: number;
}

export { egressFetch } from './pinned-request.ts';
export { readBounded } from './bounded-body.ts';
export { egressPolicy, nonPublicReason, parseAllow, registryPolicy } from './address-policy.ts';

/** For the operator's own process (CLI direct mode, tests): no address check. */
export const UNRESTRICTED: EgressPolicy = Object.freeze({
  purpose: 'registry' as const,
  allowCidrs: undefined as unknown as BlockList,
  allowHostPorts: new Set<string>(),
  unrestricted: true,
});
