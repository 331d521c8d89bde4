// One error class for the workspace with a code, a message the student can act on, and one
// table mapping codes to HTTP statuses (used by app/api/workspace).
export const WORKSPACE_ERROR_STATUS = {
  INVALID_PATH: 400,
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  NOT_A_FILE: 409,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  TOO_LARGE: 413,
  BINARY: 415,
} as const;

export type WorkspaceErrorCode = keyof typeof WORKSPACE_ERROR_STATUS;

export class WorkspaceError extends Error {
  readonly code: WorkspaceErrorCode;

  constructor(code: WorkspaceErrorCode, message: string) {
    super(message);
    this.name = 'WorkspaceError';
    this.code = code;
  }

  get status(): number {
    return WORKSPACE_ERROR_STATUS[this.code];
  }
}
