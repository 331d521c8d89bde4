// Docker's token flow on the server side: the token endpoint (GET with basic auth and
// ?service=&scope=) and the check every registry request goes through (401 + challenge).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Action, AuthOptions, Principal } from '../registry.ts';
import { RegistryError, sendError } from '../server/registry-errors.ts';
import { sendJson } from '../server/http-util.ts';
import { allowedActions, parseScope } from './access-policy.ts';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { signToken, signTokenRs256, verifyToken, type AccessEntry, type TokenClaims } from './jwt.ts';

export const DEFAULT_TOKEN_PATH = '/v2/token';
export const DEFAULT_SERVICE = 'lab-registry';
export const ISSUER = 'lab-registry-token-service';

export class TokenService {
  readonly tokenPath: string;
  readonly service: string;
  readonly ttl: number;

  private privateKey: KeyObject | undefined;
  private publicKey: KeyObject | undefined;

  constructor(readonly opts: AuthOptions) {
    if (opts.signingKeyPem) {
      this.privateKey = createPrivateKey(opts.signingKeyPem);
      this.publicKey = createPublicKey(this.privateKey);
    }
    this.tokenPath = opts.tokenPath ?? DEFAULT_TOKEN_PATH;
    this.service = opts.service ?? DEFAULT_SERVICE;
    this.ttl = opts.tokenTtlSeconds ?? 300;
  }

  realm(req: IncomingMessage): string {
    if (this.opts.realm) return this.opts.realm;
    const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    return `${proto}://${req.headers.host ?? '127.0.0.1'}${this.tokenPath}`;
  }

  challenge(req: IncomingMessage, scope?: string, error?: string): string {
    let c = `Bearer realm="${this.realm(req)}",service="${this.service}"`;
    if (scope) c += `,scope="${scope}"`;
    if (error) c += `,error="${error}"`;
    return c;
  }

  /** Issues a token for the granted part of the requested scopes. */
  async issue(user: Principal | undefined, scopes: string[], now = Math.floor(Date.now() / 1000)): Promise<{ token: string; claims: Omit<TokenClaims, 'jti'> }> {
    const access: AccessEntry[] = [];
    for (const s of scopes) {
      const parsed = parseScope(s);
      if (!parsed) continue;
      // anonymous callers get a token, but no access (pulls need signing in)
      const granted = user ? await allowedActions(user, parsed.name, parsed.actions, this.opts.authenticator) : [];
      access.push({ type: 'repository', name: parsed.name, actions: granted });
    }
    const claims = { iss: ISSUER, sub: user?.username ?? '', aud: this.service, iat: now, nbf: now - 1, exp: now + this.ttl, access, ...(user ? { role: user.role, classes: user.classes } : {}) };
    const token = this.privateKey ? signTokenRs256(claims, this.privateKey) : signToken(claims, this.opts.secret);
    return { token, claims };
  }

  /** Failed logins per client address + username (brute-force brake). */
  private failures = new Map<string, { count: number; since: number }>();
  static readonly MAX_FAILURES = 10;
  static readonly FAILURE_WINDOW_MS = 60_000;

  /** GET <tokenPath>?service=&scope=... with optional basic auth (anonymous gets no access). */
  async handleTokenRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let user: Principal | undefined;
    const auth = req.headers.authorization;
    if (auth) {
      const m = /^Basic\s+(.+)$/i.exec(auth);
      const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
      const colon = decoded.indexOf(':');
      const key = `${req.socket.remoteAddress}|${decoded.slice(0, Math.max(0, colon))}`;
      const f = this.failures.get(key);
      const now = Date.now();
      if (f && now - f.since < TokenService.FAILURE_WINDOW_MS && f.count >= TokenService.MAX_FAILURES) {
        const wait = Math.ceil((TokenService.FAILURE_WINDOW_MS - (now - f.since)) / 1000);
        sendError(res, new RegistryError('TOOMANYREQUESTS', `too many failed logins: wait ${wait} s before trying again`), { 'Retry-After': String(wait) });
        return;
      }
      user = colon > 0 ? await this.opts.authenticator.verify(decoded.slice(0, colon), decoded.slice(colon + 1)) : undefined;
      if (user) this.failures.delete(key);
      else this.failures.set(key, f && now - f.since < TokenService.FAILURE_WINDOW_MS ? { count: f.count + 1, since: f.since } : { count: 1, since: now });
      if (!user) {
        sendError(res, new RegistryError('UNAUTHORIZED', 'incorrect username or password (or personal access token)'), { 'WWW-Authenticate': `Basic realm="${this.service}"` });
        return;
      }
    }
    const service = url.searchParams.get('service');
    if (service && service !== this.service) {
      sendError(res, new RegistryError('DENIED', `this token service issues tokens for "${this.service}", not "${service}"`));
      return;
    }
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    const { token, claims } = await this.issue(user, scopes);
    sendJson(res, 200, { token, access_token: token, expires_in: this.ttl, issued_at: new Date(claims.iat * 1000).toISOString() });
  }

  /**
   * Checks a registry request. No/expired/invalid token -> UNAUTHORIZED with a challenge.
   * A valid token lacking the actions -> UNAUTHORIZED (insufficient_scope) when the user could get
   * them with a new token, DENIED when the policy forbids them.
   */
  async authorize(req: IncomingMessage, name: string | undefined, actions: Action[]): Promise<TokenClaims> {
    const scope = name ? `repository:${name}:${actions.join(',')}` : undefined;
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) throw this.unauthorized(req, scope, 'authentication required: run "lab login" (the client then gets a token)');
    const result = verifyToken(m[1], this.opts.secret, this.service, Date.now() / 1000, 5, this.publicKey);
    if (!result.ok) {
      const why = result.reason === 'expired' ? 'the token has expired: request a new one' : `the token is not valid (${result.reason})`;
      throw this.unauthorized(req, scope, why, 'invalid_token');
    }
    if (!name) return result.claims;
    const have = new Set(result.claims.access.filter((a) => a.type === 'repository' && a.name === name).flatMap((a) => a.actions));
    const lacking = actions.filter((a) => !have.has(a));
    if (lacking.length === 0) return result.claims;
    const c = result.claims;
    const user: Principal | undefined = c.sub ? { username: c.sub, role: c.role ?? 'student', classes: c.classes ?? [] } : undefined;
    const could = user ? await allowedActions(user, name, lacking, this.opts.authenticator) : [];
    if (!user) throw this.unauthorized(req, scope, `authentication required to ${lacking.join(',')} ${name}: run "lab login" first`, 'insufficient_scope');
    if (could.length === lacking.length) throw this.unauthorized(req, scope, `the token does not grant ${lacking.join(',')} on ${name}`, 'insufficient_scope');
    throw new RegistryError('DENIED', `requested access to the resource is denied: ${c.sub} may not ${lacking.join(',')} ${name} (students push under their own name: <username>/...)`, { name, actions: lacking });
  }

  private unauthorized(req: IncomingMessage, scope: string | undefined, message: string, error?: string): RegistryError {
    const err = new RegistryError('UNAUTHORIZED', message);
    err.headers['WWW-Authenticate'] = this.challenge(req, scope, error);
    return err;
  }
}
