/**
 * Typed engine errors. Every failure the engine reports is an EngineError with a stable
 * code (machine-readable, used by the CLI, the web app and tests), a message a student can
 * act on, and — when the error comes from a Dockerfile — the 1-based line range it points at.
 *
 * Codes are grouped by the part of the pipeline that raises them; add new codes here so that
 * the list stays the single source of truth. ERROR_STATUS below is the one table from a code to
 * an HTTP status (daemon socket, web API) and RETRYABLE the one list of codes worth retrying.
 */
export const ErrorCodes = {
  // Dockerfile frontend
  PARSE_ERROR: 'PARSE_ERROR',
  UNKNOWN_INSTRUCTION: 'UNKNOWN_INSTRUCTION',
  INVALID_FLAG: 'INVALID_FLAG',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  EMPTY_DOCKERFILE: 'EMPTY_DOCKERFILE',
  MISSING_FROM: 'MISSING_FROM',
  UNKNOWN_STAGE: 'UNKNOWN_STAGE',
  EXPANSION_ERROR: 'EXPANSION_ERROR',
  // Build context
  CONTEXT_ESCAPE: 'CONTEXT_ESCAPE',
  CONTEXT_NOT_FOUND: 'CONTEXT_NOT_FOUND',
  INVALID_PATTERN: 'INVALID_PATTERN',
  // Generic
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  FAILED_PRECONDITION: 'FAILED_PRECONDITION',
  INVALID_INPUT: 'INVALID_INPUT',
  DIGEST_MISMATCH: 'DIGEST_MISMATCH',
  UNAVAILABLE: 'UNAVAILABLE',
  CANCELLED: 'CANCELLED',
  WORKER_LOST: 'WORKER_LOST',
  // Execution
  RUN_FAILED: 'RUN_FAILED',
  RUN_TIMEOUT: 'RUN_TIMEOUT',
  RESOURCE_LIMIT: 'RESOURCE_LIMIT',
  /** Too many at once (builds per student, sign-in attempts): retryable later, unlike RESOURCE_LIMIT. */
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  SNAPSHOT_ERROR: 'SNAPSHOT_ERROR',
  UNSAFE_ARCHIVE: 'UNSAFE_ARCHIVE',
  INTERNAL: 'INTERNAL',
  // Registry client
  UNAUTHORIZED: 'UNAUTHORIZED',
  REGISTRY_ERROR: 'REGISTRY_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** A location in a Dockerfile (1-based, inclusive). */
export type SourceRange = { start: number; end: number };

export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly range?: SourceRange;
  readonly file?: string;

  constructor(code: ErrorCode, message: string, opts: { range?: SourceRange; file?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'EngineError';
    this.code = code;
    this.range = opts.range;
    this.file = opts.file;
  }

  /** "Dockerfile:3: unknown instruction: RUNN" — the form the CLI and the web UI print. */
  describe(): string {
    const where = this.range ? `${this.file ?? 'Dockerfile'}:${this.range.start}: ` : '';
    return `${where}${this.message}`;
  }
}

export function isEngineError(err: unknown): err is EngineError {
  return err instanceof EngineError;
}

/** The one table from a code to an HTTP status; exhaustive, so a new code must be placed here. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  PARSE_ERROR: 400,
  UNKNOWN_INSTRUCTION: 400,
  INVALID_FLAG: 400,
  INVALID_ARGUMENT: 400,
  EMPTY_DOCKERFILE: 400,
  MISSING_FROM: 400,
  UNKNOWN_STAGE: 400,
  EXPANSION_ERROR: 400,
  CONTEXT_ESCAPE: 400,
  CONTEXT_NOT_FOUND: 404,
  INVALID_PATTERN: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  INVALID_INPUT: 400,
  DIGEST_MISMATCH: 500,
  UNAVAILABLE: 503,
  CANCELLED: 409,
  WORKER_LOST: 503,
  RUN_FAILED: 422,
  RUN_TIMEOUT: 422,
  RESOURCE_LIMIT: 413,
  TOO_MANY_REQUESTS: 429,
  USER_NOT_FOUND: 422,
  SNAPSHOT_ERROR: 500,
  UNSAFE_ARCHIVE: 422,
  INTERNAL: 500,
  UNAUTHORIZED: 401,
  REGISTRY_ERROR: 502,
};

/** The HTTP status of a code (500 for a string that is not one). */
export function statusForCode(code: string): number {
  return ERROR_STATUS[code as ErrorCode] ?? 500;
}

/**
 * Failures that may pass on their own (a lost worker, a busy service, a full queue): a build
 * queue retries these. A limit the build itself hit (RESOURCE_LIMIT), a failing RUN or a
 * cancel would fail the same way again.
 */
export const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['WORKER_LOST', 'UNAVAILABLE', 'INTERNAL', 'SNAPSHOT_ERROR', 'TOO_MANY_REQUESTS']);

