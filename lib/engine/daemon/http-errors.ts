// One table from engine error codes to HTTP statuses (and back, for the client).
import { EngineError, ErrorCodes, type ErrorCode } from '../errors.ts';

const STATUS: Partial<Record<ErrorCode, number>> = {
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  INVALID_ARGUMENT: 400,
  INVALID_FLAG: 400,
  PARSE_ERROR: 400,
  FAILED_PRECONDITION: 409,
  ALREADY_EXISTS: 409,
  UNAVAILABLE: 503,
  UNAUTHORIZED: 401,
  RESOURCE_LIMIT: 413,
  CONTEXT_ESCAPE: 400,
  DIGEST_MISMATCH: 500,
};

export function statusForCode(code: string): number {
  return STATUS[code as ErrorCode] ?? 500;
}

/** The JSON error body the daemon sends. */
export function errorBody(err: unknown): { code: string; message: string; range?: unknown; file?: string } {
  if (err instanceof EngineError) return { code: err.code, message: err.message, range: err.range, file: err.file };
  return { code: ErrorCodes.INTERNAL, message: (err as Error)?.message ?? String(err) };
}

/** Rebuilds an EngineError from a daemon error body. */
export function errorFromBody(body: { code?: string; message?: string; range?: { start: number; end: number }; file?: string }, status: number): EngineError {
  const code = (body.code && body.code in ErrorCodes ? body.code : status === 404 ? 'NOT_FOUND' : 'INTERNAL') as ErrorCode;
  return new EngineError(code, body.message ?? `daemon answered HTTP ${status}`, { range: body.range, file: body.file });
}
