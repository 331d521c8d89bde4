// HS256 JSON Web Tokens with node:crypto: sign, and verify signature, audience and times.
import { createHash, createHmac, createPublicKey, createSign, createVerify, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
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

/**
 * RS256 signing for registries that verify tokens with a certificate bundle (the CNCF registry's
 * `auth.token.rootcertbundle`): the header names the key by its libtrust key ID.
 */
export function signTokenRs256(claims: Omit<TokenClaims, 'jti'> & { jti?: string }, privateKey: KeyObject): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: libtrustKeyId(createPublicKey(privateKey)) }));
  const payload = b64url(JSON.stringify({ ...claims, jti: claims.jti ?? randomBytes(12).toString('hex') }));
  const sig = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey).toString('base64url');
  return `${header}.${payload}.${sig}`;
}

/** docker/libtrust key ID: base32 of the first 240 bits of sha256(DER public key), in groups of 4. */
export function libtrustKeyId(publicKey: KeyObject): string {
  const sum = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of sum) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out.match(/.{1,4}/g)!.join(':');
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'signature' | 'audience' | 'expired' | 'not-yet-valid' };

/** Verifies an HS256 token; `leewaySeconds` tolerates small clock differences. */
export function verifyToken(token: string, secret: Buffer, audience: string, now = Date.now() / 1000, leewaySeconds = 5, publicKey?: KeyObject): VerifyResult {
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
  const given = Buffer.from(parts[2], 'base64url');
  if (header.alg === 'RS256' && publicKey) {
    if (!createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`).verify(publicKey, given)) return { ok: false, reason: 'signature' };
  } else if (header.alg === 'HS256') {
    const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  } else return { ok: false, reason: 'signature' };
  if (claims.aud !== audience) return { ok: false, reason: 'audience' };
  if (typeof claims.exp !== 'number' || claims.exp + leewaySeconds <= now) return { ok: false, reason: 'expired' };
  if (typeof claims.nbf === 'number' && claims.nbf - leewaySeconds > now) return { ok: false, reason: 'not-yet-valid' };
  if (!Array.isArray(claims.access)) claims.access = [];
  return { ok: true, claims };
}
