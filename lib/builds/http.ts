// Errors of the builds routes as JSON responses: EngineError codes -> HTTP statuses (the engine's ERROR_STATUS),
// the site's ApiError as it is, anything else a 500 without details.
import { ERROR_STATUS, statusForCode } from '../engine/errors.ts';
import { jsonError } from '../site/api.ts';

/**
 * By shape, not instanceof: the service runs in the server's module graph (tsx) while route
 * handlers are Next's bundle, each with its own copy of the EngineError class.
 */
export function engineErrorLike(err: unknown): { code: string; message: string } | undefined {
  if (err instanceof Error && err.name === 'EngineError' && typeof (err as { code?: unknown }).code === 'string') {
    return err as Error & { code: string };
  }
  return undefined;
}

export function buildsError(err: unknown): Response {
  const e = engineErrorLike(err);
  // a 500-class code (INTERNAL, SNAPSHOT_ERROR...) may carry host details: answered without them
  if (e && e.code in ERROR_STATUS && statusForCode(e.code) !== 500) return Response.json({ error: e.message, code: e.code }, { status: statusForCode(e.code) });
  return jsonError(err);
}
