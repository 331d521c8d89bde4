// An HTTP client for the distribution API that speaks Docker's token flow (401 + Bearer
// challenge -> token endpoint with basic auth -> retry) and plain basic auth, so it talks to
// our registry, the CNCF registry and Docker Hub alike. Plain http only for loopback hosts.
import { Readable } from 'node:stream';
import { EngineError, isEngineError } from '../../errors.ts';
import { egressFetch, readBounded, UNRESTRICTED, type EgressPolicy } from '../../egress/egress.ts';

/** A token answer or an error document is small; a registry that sends more is cut off here. */
const MAX_SMALL_ANSWER_BYTES = 1024 * 1024;
import { parseChallenge } from './auth-challenge.ts';
import type { Credentials } from './credentials.ts';

export interface ClientOptions {
  /** Registry host as in image references: "127.0.0.1:5000", "docker.io". */
  host: string;
  credentials?: Credentials;
  /** Hosts to speak plain http to besides loopback (like docker's insecure-registries). */
  insecureHosts?: string[];
  /**
   * What this client may connect to (registry, redirects, token realm). The daemon serving a
   * student always passes egressPolicy('registry', { hostPorts: [the lab's registry] });
   * absent: UNRESTRICTED, for the operator's own CLI and tests.
   */
  egress?: EgressPolicy;
}

export type Body = Buffer | (() => Readable);

interface RequestOptions {
  /** Token scopes this request needs ("repository:alice/app:pull,push"). */
  scopes?: string[];
  headers?: Record<string, string>;
  body?: Body;
  /** Called with the byte count of each uploaded chunk (push statistics). */
  onUpload?: (n: number) => void;
}

export function registryBaseUrl(host: string, insecureHosts: string[] = []): string {
  if (host === 'docker.io' || host === 'index.docker.io') return 'https://registry-1.docker.io';
  const bare = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const loopback = bare === 'localhost' || bare === '::1' || /^127\./.test(bare);
  return `${loopback || insecureHosts.includes(host) ? 'http' : 'https'}://${host}`;
}

export class RegistryClient {
  readonly baseUrl: string;
  /** Bytes sent in request bodies (blobs and manifests) — the lesson's "only changed layers upload". */
  bytesUploaded = 0;
  private tokens = new Map<string, { token: string; expiresAt: number }>();
  private basic = false;
  private realm: Record<string, string> | undefined;

  constructor(readonly opts: ClientOptions) {
    this.baseUrl = registryBaseUrl(opts.host, opts.insecureHosts);
  }

  url(pathOrUrl: string): URL {
    return new URL(pathOrUrl, this.baseUrl);
  }

  /** Sends a request, authenticating on a 401 challenge and retrying once. */
  async request(method: string, pathOrUrl: string | URL, o: RequestOptions = {}): Promise<Response> {
    const url = typeof pathOrUrl === 'string' ? this.url(pathOrUrl) : pathOrUrl;
    const key = (o.scopes ?? []).slice().sort().join(' ');
    // Known token realm and no token for these scopes yet: get one first, so bodies travel once.
    if (this.realm && !this.basic && !this.authHeader(key)) await this.fetchToken(this.realm, o.scopes ?? [], key);
    let res = await this.send(method, url, o, this.authHeader(key));
    if (res.status !== 401) return res;
    const challenge = parseChallenge(res.headers.get('www-authenticate'));
    await res.body?.cancel();
    if (!challenge) return res;
    if (challenge.scheme === 'basic') {
      if (!this.opts.credentials) throw this.loginNeeded();
      this.basic = true;
    } else {
      const scopes = new Set(o.scopes ?? []);
      if (challenge.params.scope) scopes.add(challenge.params.scope);
      this.realm = challenge.params;
      await this.fetchToken(challenge.params, [...scopes], key);
    }
    res = await this.send(method, url, o, this.authHeader(key));
    return res;
  }

  private authHeader(key: string): string | undefined {
    if (this.basic && this.opts.credentials) {
      return `Basic ${Buffer.from(`${this.opts.credentials.username}:${this.opts.credentials.password}`).toString('base64')}`;
    }
    const now = Date.now();
    const exact = this.tokens.get(key);
    if (exact && exact.expiresAt > now) return `Bearer ${exact.token}`;
    // A token obtained for more scopes covers fewer.
    const want = key ? key.split(' ') : [];
    for (const [k, t] of this.tokens) {
      const have = new Set(k.split(' '));
      if (t.expiresAt > now && want.every((w) => have.has(w))) return `Bearer ${t.token}`;
    }
    return undefined;
  }

  private async send(method: string, url: URL, o: RequestOptions, auth: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { ...o.headers };
    if (auth) headers.Authorization = auth;
    let body: Buffer | AsyncIterable<Uint8Array> | undefined;
    if (Buffer.isBuffer(o.body)) {
      body = o.body;
      this.bytesUploaded += o.body.length;
      o.onUpload?.(o.body.length);
    } else if (o.body) {
      const src = o.body();
      const count = (n: number) => {
        this.bytesUploaded += n;
        o.onUpload?.(n);
      };
      body = (async function* () {
        for await (const c of src) {
          count((c as Buffer).length);
          yield c as Buffer;
        }
      })();
    }
    return this.fetch(url, { method, headers, body }, `cannot reach registry ${this.opts.host} (${url.origin})`);
  }

  /** Every request of this client, token realm included: through the egress policy. */
  private async fetch(url: URL, init: { method?: string; headers: Record<string, string>; body?: Buffer | AsyncIterable<Uint8Array> }, unreachable: string): Promise<Response> {
    try {
      return await egressFetch(url, { ...init, policy: this.opts.egress ?? UNRESTRICTED });
    } catch (err) {
      if (isEngineError(err) && err.code !== 'UNAVAILABLE') throw new EngineError(err.code, `registry ${this.opts.host}: ${err.message}`, { cause: err });
      throw new EngineError('UNAVAILABLE', `${unreachable}: ${(err as Error).message}`, { cause: err });
    }
  }

  private async fetchToken(params: Record<string, string>, scopes: string[], key: string): Promise<void> {
    if (!params.realm) throw new EngineError('UNAVAILABLE', `registry ${this.opts.host} asked for a token but named no realm`);
    const u = new URL(params.realm);
    if (params.service) u.searchParams.set('service', params.service);
    for (const s of scopes) u.searchParams.append('scope', s);
    if (this.opts.credentials) u.searchParams.set('account', this.opts.credentials.username);
    const headers: Record<string, string> = {};
    if (this.opts.credentials) {
      headers.Authorization = `Basic ${Buffer.from(`${this.opts.credentials.username}:${this.opts.credentials.password}`).toString('base64')}`;
    }
    const res = await this.fetch(u, { headers }, `cannot reach the token service ${u.origin}`);
    if (res.status === 401 || res.status === 403) throw this.loginNeeded(true);
    if (!res.ok) throw new EngineError('UNAVAILABLE', `token service ${u.origin} answered ${res.status}`);
    let doc: { token?: string; access_token?: string; expires_in?: number };
    try {
      doc = JSON.parse((await readBounded(res, MAX_SMALL_ANSWER_BYTES, () => new Error('too large'))).toString('utf8'));
    } catch (err) {
      throw new EngineError('UNAVAILABLE', `token service ${u.origin} sent no usable token (${(err as Error).message})`);
    }
    const token = doc.token ?? doc.access_token;
    if (!token) throw new EngineError('UNAVAILABLE', `token service ${u.origin} returned no token`);
    const ttl = Math.max(60, doc.expires_in ?? 60);
    this.tokens.set(key, { token, expiresAt: Date.now() + (ttl - 10) * 1000 });
  }

  private loginNeeded(wrong = false): EngineError {
    return new EngineError(
      'UNAUTHORIZED',
      wrong
        ? `${this.opts.host}: incorrect username or password; run "lab login ${this.opts.host}" again`
        : `${this.opts.host}: authentication required; run "lab login ${this.opts.host}" first`,
    );
  }
}

/** Turns a registry's JSON error answer into an EngineError a student can act on. */
export async function registryFailure(res: Response, what: string): Promise<EngineError> {
  const fallback: Record<number, string> = {
    401: 'unauthorized: authentication required (run "lab login HOST")',
    403: 'denied: requested access to the resource is denied',
    404: 'not found',
  };
  let detail = fallback[res.status] ?? `${res.status} ${res.statusText}`;
  let code = '';
  try {
    const doc = JSON.parse((await readBounded(res, MAX_SMALL_ANSWER_BYTES, () => new Error('too large'))).toString('utf8')) as { errors?: { code: string; message: string }[] };
    const e = doc.errors?.[0];
    if (e) {
      code = e.code;
      detail = `${e.code.toLowerCase()}: ${e.message}`;
    }
  } catch {
    /* not JSON */
  }
  const engineCode = res.status === 401 || code === 'UNAUTHORIZED' ? 'UNAUTHORIZED' : code === 'DENIED' || res.status === 403 ? 'UNAUTHORIZED' : res.status === 404 ? 'NOT_FOUND' : 'REGISTRY_ERROR';
  return new EngineError(engineCode, `${what}: ${detail}`);
}
