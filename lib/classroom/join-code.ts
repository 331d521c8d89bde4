// Join codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L, U/V), about 39
// bits, drawn without modulo bias. Stored bare ("ABCD2345"), shown and typed as ABCD-2345; what a
// student types is normalised (case, spaces, dashes) before it is looked up.
import { randomBytes } from 'node:crypto';

export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTWXYZ23456789';
export const CODE_LENGTH = 8;

export function newJoinCode(): string {
  let out = '';
  const limit = 256 - (256 % CODE_ALPHABET.length);
  while (out.length < CODE_LENGTH) {
    for (const b of randomBytes(16)) {
      if (b < limit && out.length < CODE_LENGTH) out += CODE_ALPHABET[b % CODE_ALPHABET.length];
    }
  }
  return out;
}

/** The stored form of what someone typed or pasted, or undefined when it cannot be a code. */
export function normalizeJoinCode(input: string): string | undefined {
  if (typeof input !== 'string' || input.length > 64) return undefined;
  const bare = input.toUpperCase().replace(/[\s-]/g, '');
  if (bare.length !== CODE_LENGTH) return undefined;
  for (const ch of bare) if (!CODE_ALPHABET.includes(ch)) return undefined;
  return bare;
}

export function formatJoinCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}
