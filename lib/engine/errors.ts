/**
 * Typed engine errors. Every failure the engine reports is an EngineError with a stable
 * code (machine-readable, used by the CLI, the web app and tests), a message a student can
 * act on, and — when the error comes from a Dockerfile — the 1-based line range it points at.
 *
 * Codes are grouped by the part of the pipeline that raises them; add new codes here so that
 * the list stays the single source of truth (the web app maps codes to HTTP statuses).
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
