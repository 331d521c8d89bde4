// The spec's error codes and the HTTP status each is sent with; the JSON body is
// {"errors":[{"code","message","detail"}]} as in the distribution spec.
import type { ServerResponse } from 'node:http';

export const RegistryCodes = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  TAG_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  TOOMANYREQUESTS: 429,
  /** Not a spec code: an unexpected server failure (the CNCF registry says UNKNOWN too). */
  UNKNOWN: 500,
} as const;

export type RegistryCode = keyof typeof RegistryCodes;

export class RegistryError extends Error {
  readonly status: number;
  /** Extra response headers (WWW-Authenticate, Range). */
  headers: Record<string, string> = {};
  constructor(
    readonly code: RegistryCode,
    message: string,
    readonly detail?: unknown,
    status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
    this.status = status ?? RegistryCodes[code];
  }
}

export function sendError(res: ServerResponse, err: RegistryError, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ errors: [{ code: err.code, message: err.message, ...(err.detail === undefined ? {} : { detail: err.detail }) }] });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(err.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...err.headers, ...headers });
  res.end(body);
}
