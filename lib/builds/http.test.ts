import { describe, expect, it } from 'vitest';
import { EngineError } from '../engine/errors.ts';
import { buildsError } from './http.ts';

/** An EngineError from another copy of the class (the server's module graph vs Next's bundle). */
function foreignEngineError(code: string, message: string): Error {
  const e = new Error(message);
  e.name = 'EngineError';
  return Object.assign(e, { code });
}

describe('builds route errors', () => {
  it('maps engine error codes to HTTP statuses, also for another copy of the class', async () => {
    const cases: [Error, number][] = [
      [new EngineError('INVALID_INPUT', 'invalid reference format "Bad Tag"'), 400],
      [foreignEngineError('INVALID_INPUT', 'invalid reference format "Bad Tag"'), 400],
      [foreignEngineError('NOT_FOUND', 'There is no such build among yours.'), 404],
      [foreignEngineError('TOO_MANY_REQUESTS', 'You already have 2 builds'), 429],
      [foreignEngineError('RESOURCE_LIMIT', 'the step used more than 512 MiB of memory'), 413],
      [foreignEngineError('UNAVAILABLE', 'not in this process'), 503],
    ];
    for (const [err, status] of cases) {
      const res = buildsError(err);
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ error: err.message, code: (err as Error & { code: string }).code });
    }
  });

  it('answers 500 without details for anything else', async () => {
    const spy = console.error;
    console.error = () => undefined;
    try {
      const res = buildsError(new Error('secret path /var/lib/lab'));
      expect(res.status).toBe(500);
      expect(JSON.stringify(await res.json())).not.toContain('secret');
      expect(buildsError(foreignEngineError('INTERNAL', 'x')).status).toBe(500);
      expect(buildsError(foreignEngineError('SNAPSHOT_ERROR', 'cannot unpack /var/lib/lab/x')).status).toBe(500);
    } finally {
      console.error = spy;
    }
  });
});
