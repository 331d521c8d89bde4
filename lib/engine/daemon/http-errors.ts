// Engine errors as the daemon's JSON bodies and back (the status table is ERROR_STATUS in errors.ts).
import { EngineError, ErrorCodes, statusForCode, type ErrorCode } from '../errors.ts';

export { statusForCode };

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
