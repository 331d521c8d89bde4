// Errors of the builds routes as JSON responses: EngineError codes -> HTTP statuses (one table),
// the site's ApiError as it is, anything else a 500 without details.
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

const STATUS: Record<string, number> = {
  INVALID_INPUT: 400,
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  FAILED_PRECONDITION: 409,
  RESOURCE_LIMIT: 429,
  UNAVAILABLE: 503,
};

export function buildsError(err: unknown): Response {
  const e = engineErrorLike(err);
  if (e && STATUS[e.code]) return Response.json({ error: e.message, code: e.code }, { status: STATUS[e.code] });
  return jsonError(err);
}
