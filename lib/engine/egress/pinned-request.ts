// egressFetch: resolve once, check every address, connect to the checked one (a pinned lookup),
// follow redirects by hand re-checking each hop. See egress.ts for the whole story.
import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError, ErrorCodes } from '../errors.ts';
import { refusal } from './address-policy.ts';
import { EGRESS_IDLE_TIMEOUT_SECONDS } from '../limits.ts';
import type { EgressPolicy, EgressRequest, Lookup, LookupAddress } from './egress.ts';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 204, 205, 304]);

const systemLookup: Lookup = async (hostname) =>
  (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

function advice(policy: EgressPolicy): string {
  return policy.purpose === 'add'
    ? 'builds may only download from public addresses (LAB_EGRESS_ALLOW to allow more)'
    : 'the lab talks only to public registries and its own (LAB_EGRESS_ALLOW to allow more)';
}

function refused(policy: EgressPolicy, why: string): EngineError {
  return new EngineError(ErrorCodes.INVALID_INPUT, `refused: ${why}; ${advice(policy)}`);
}

/** The checked addresses, in resolver order (happy eyeballs may try each; all passed the check). */
type Target = { addresses: LookupAddress[]; host: string; port: number };

/** Steps 1-3 for one hop: scheme, one resolution, every address against the policy. */
export async function checkedTarget(url: URL, policy: EgressPolicy, lookup: Lookup = systemLookup): Promise<Target> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused(policy, `only http and https URLs are fetched, not ${url.protocol.replace(/:$/, '')}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const literal = net.isIP(host);
  let addrs: LookupAddress[];
  if (literal) addrs = [{ address: host, family: literal as 4 | 6 }];
  else {
    try {
      addrs = await lookup(host);
    } catch (err) {
      throw new EngineError(ErrorCodes.UNAVAILABLE, `cannot resolve ${host} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
    if (!addrs.length) throw new EngineError(ErrorCodes.UNAVAILABLE, `cannot resolve ${host}: no addresses`);
  }
  for (const a of addrs) {
    if (!net.isIP(a.address)) throw refused(policy, `${host} resolved to "${a.address}", which is not an IP address`);
    const why = refusal(policy, host, a.address, port);
    if (why) throw refused(policy, why);
  }
  return { addresses: addrs, host, port };
}

/** Step 4: one request whose socket can only go to the checked addresses. */
function send(url: URL, t: Target, method: string, headers: Record<string, string>, body: EgressRequest['body'], signal: AbortSignal | undefined, idleMs: number): Promise<http.IncomingMessage> {
  const pinned = (_name: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (opts?.all) cb(null, t.addresses.map((a) => ({ ...a })));
    else cb(null, t.addresses[0].address, t.addresses[0].family);
  };
  const tls = url.protocol === 'https:';
  const options: https.RequestOptions = {
    host: t.host,
    port: t.port,
    path: `${url.pathname}${url.search}`,
    method,
    headers: { host: url.host, ...headers },
    lookup: pinned as unknown as net.LookupFunction,
    agent: false,
    signal,
    timeout: idleMs,
    ...(tls && !net.isIP(t.host) ? { servername: t.host } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (tls ? https : http).request(options, resolve);
    req.on('error', reject);
    // socket idle (before or while the answer streams): the body stream errors with this
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no data for ${idleMs / 1000} s (LAB_EGRESS_IDLE_TIMEOUT_SECONDS)`), { code: 'ETIMEDOUT' })));
    if (!body) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else pipeline(Readable.from(body), req).catch((err) => req.destroy(err as Error));
  });
}

function toResponse(res: http.IncomingMessage, method: string): Response {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 599) {
    res.destroy();
    throw new EngineError(ErrorCodes.UNAVAILABLE, `the server answered with HTTP status ${status}`);
  }
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
  }
  const empty = method === 'HEAD' || NULL_BODY.has(status);
  if (empty) res.resume();
  // one chunk queued at a time: toWeb's default would read ahead up to 16384 chunks (hundreds of MiB)
  const body = empty ? null : (Readable.toWeb(res, { strategy: new CountQueuingStrategy({ highWaterMark: 1 }) }) as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: res.statusMessage, headers });
}

/** fetch() for a student's request: policy-checked, DNS-pinned, redirects re-checked per hop. */
export async function egressFetch(input: string | URL, o: EgressRequest): Promise<Response> {
  let url = new URL(input);
  let method = (o.method ?? 'GET').toUpperCase();
  let headers = { ...o.headers };
  let body = o.body;
  const max = o.maxRedirects ?? 5;
  for (let hop = 0; ; hop++) {
    const target = await checkedTarget(url, o.policy, o.lookup);
    let res: http.IncomingMessage;
    try {
      res = await send(url, target, method, headers, body, o.signal, o.idleTimeoutMs ?? EGRESS_IDLE_TIMEOUT_SECONDS * 1000);
    } catch (err) {
      if (o.signal?.aborted) throw o.signal.reason ?? err;
      const e = err as NodeJS.ErrnoException;
      throw new EngineError(ErrorCodes.UNAVAILABLE, `cannot reach ${url.host}: ${e.message.includes('LAB_EGRESS') ? e.message : (e.code ?? e.message)}`, { cause: err });
    }
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (!REDIRECTS.has(status) || !location) return toResponse(res, method);
    res.resume();
    if (hop >= max) throw new EngineError(ErrorCodes.UNAVAILABLE, `${url.host}: more than ${max} redirects`);
    const next = new URL(location, url);
    if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(authorization|cookie)$/i.test(k)));
    if (status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST') {
      method = 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-/i.test(k)));
    } else if (body && !Buffer.isBuffer(body)) {
      throw new EngineError(ErrorCodes.UNAVAILABLE, `${url.host} redirected (HTTP ${status}) an upload that cannot be sent twice`);
    }
    url = next;
  }
}
