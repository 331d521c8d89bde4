// Errors of the builds routes as JSON responses: EngineError codes -> HTTP statuses (one table),
// the site's ApiError as it is, anything else a 500 without details.
import { isEngineError } from '../engine/errors.ts';
import { jsonError } from '../site/api.ts';

const STATUS: Record<string, number> = {
  INVALID_INPUT: 400,
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  FAILED_PRECONDITION: 409,
  RESOURCE_LIMIT: 429,
  UNAVAILABLE: 503,
};

export function buildsError(err: unknown): Response {
  if (isEngineError(err) && STATUS[err.code]) {
    return Response.json({ error: err.message, code: err.code }, { status: STATUS[err.code] });
  }
  return jsonError(err);
}
