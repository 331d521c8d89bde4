// HS256 JSON Web Tokens with node:crypto: sign, and verify signature, audience and times.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Action, Role } from '../registry.ts';

export interface AccessEntry {
  type: 'repository';
  name: string;
  actions: Action[];
}

/** The claims Docker's token flow puts in a registry token. */
export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  access: AccessEntry[];
  /** Lab extension: the user's role and classes when the token was issued (for DENIED vs re-auth). */
  role?: Role;
  classes?: string[];
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function signToken(claims: Omit<TokenClaims, 'jti'> & { jti?: string }, secret: Buffer): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ ...claims, jti: claims.jti ?? randomBytes(12).toString('hex') }));
  const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${sig}`;
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'signature' | 'audience' | 'expired' | 'not-yet-valid' };

/** Verifies an HS256 token; `leewaySeconds` tolerates small clock differences. */
export function verifyToken(token: string, secret: Buffer, audience: string, now = Date.now() / 1000, leewaySeconds = 5): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  let header: { alg?: string };
  let claims: TokenClaims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (header.alg !== 'HS256') return { ok: false, reason: 'signature' };
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  if (claims.aud !== audience) return { ok: false, reason: 'audience' };
  if (typeof claims.exp !== 'number' || claims.exp + leewaySeconds <= now) return { ok: false, reason: 'expired' };
  if (typeof claims.nbf === 'number' && claims.nbf - leewaySeconds > now) return { ok: false, reason: 'not-yet-valid' };
  if (!Array.isArray(claims.access)) claims.access = [];
  return { ok: true, claims };
}
