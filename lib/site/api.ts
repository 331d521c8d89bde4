// Helpers for JSON route handlers: one error type mapped to HTTP statuses, a body reader with
// a size limit and a zod schema, and the same-origin check for requests that change state.
import type { z } from 'zod';
import { sameOrigin } from '../auth/origin.ts';

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

export const MAX_JSON_BYTES = 4096;

export function assertSameOrigin(req: Request): void {
  if (!sameOrigin(req.headers)) throw new ApiError(403, 'Cross-site request refused: send it from the lab page itself.');
}

export async function readJson<T>(req: Request, schema: z.ZodType<T>, maxBytes = MAX_JSON_BYTES): Promise<T> {
  if (!(req.headers.get('content-type') ?? '').includes('application/json')) {
    throw new ApiError(415, 'Send the body as application/json.');
  }
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new ApiError(413, `The body is too large (limit ${maxBytes} bytes).`);
  const text = await req.text();
  if (Buffer.byteLength(text) > maxBytes) throw new ApiError(413, `The body is too large (limit ${maxBytes} bytes).`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'The body is not valid JSON.');
  }
  const r = schema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ApiError(400, `Invalid ${i.path.join('.') || 'body'}: ${i.message}`);
  }
  return r.data;
}

export function jsonError(err: unknown): Response {
  if (err instanceof ApiError) return Response.json({ error: err.message }, { status: err.status });
  console.error(err);
  return Response.json({ error: 'Something went wrong on the server.' }, { status: 500 });
}
