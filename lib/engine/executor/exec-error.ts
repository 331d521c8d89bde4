// ExecError: an EngineError with the details of a failed run (command, exit code, last lines).
import { EngineError, ErrorCodes, type ErrorCode } from '../errors.ts';
import type { ExecFailure, ExecFailureReason } from './executor.ts';

const CODE_BY_REASON: Record<ExecFailureReason, ErrorCode> = {
  exit: ErrorCodes.RUN_FAILED,
  cancelled: ErrorCodes.CANCELLED,
  runtime: ErrorCodes.RUN_FAILED,
  timeout: ErrorCodes.RUN_TIMEOUT,
  memory: ErrorCodes.RESOURCE_LIMIT,
  pids: ErrorCodes.RESOURCE_LIMIT,
  output: ErrorCodes.RESOURCE_LIMIT,
  disk: ErrorCodes.RESOURCE_LIMIT,
  'file-size': ErrorCodes.RESOURCE_LIMIT,
};

const SIGSYS = 31;
const SIGSYS_HINT = ' (killed by SIGSYS: it made a system call the sandbox blocks, e.g. a 32-bit program)';

export class ExecError extends EngineError implements ExecFailure {
  readonly reason: ExecFailureReason;
  readonly command: string;
  readonly exitCode?: number;
  readonly lastLines: string[];

  constructor(failure: ExecFailure, message: string, cause?: unknown) {
    super(CODE_BY_REASON[failure.reason], message, { cause });
    this.name = 'ExecError';
    this.reason = failure.reason;
    this.command = failure.command;
    this.exitCode = failure.exitCode;
    this.lastLines = failure.lastLines;
  }
}

export function isExecError(err: unknown): err is ExecError {
  return err instanceof ExecError;
}

/** The student-facing message for each way a run can end badly. */
export function describeFailure(f: ExecFailure & { limit?: number }): string {
  const cmd = `"${f.command}"`;
  const tail = f.lastLines.length ? `\n--- last output lines ---\n${f.lastLines.join('\n')}` : '';
  switch (f.reason) {
    case 'exit':
      return `process ${cmd} did not complete successfully: exit code: ${f.exitCode}${f.exitCode === 128 + SIGSYS ? SIGSYS_HINT : ''}${tail}`;
    case 'timeout':
      return `process ${cmd} was stopped after the ${fmtMs(f.limit)} time limit (does it wait for input or run forever?)${tail}`;
    case 'memory':
      return `process ${cmd} was killed: it used more than the ${fmtBytes(f.limit)} memory limit (out of memory)${tail}`;
    case 'pids':
      return `process ${cmd} hit the limit of ${f.limit} processes (a fork bomb or a runaway loop starting processes?)${tail}`;
    case 'output':
      return `process ${cmd} printed more than ${fmtBytes(f.limit)} of output; the rest was dropped and the step stopped${tail}`;
    case 'disk':
      return `process ${cmd} wrote more than the ${fmtBytes(f.limit)} disk limit for one step${tail}`;
    case 'file-size':
      return `process ${cmd} tried to write a file larger than ${fmtBytes(f.limit)}${tail}`;
    case 'cancelled':
      return `process ${cmd} was cancelled${tail}`;
    case 'runtime':
      return `the container for ${cmd} could not be started${tail}`;
  }
}

function fmtBytes(n?: number): string {
  if (n === undefined) return 'configured';
  if (n >= 1024 * 1024 * 1024) return `${+(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${+(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

function fmtMs(n?: number): string {
  if (n === undefined) return 'configured';
  return n >= 1000 ? `${+(n / 1000).toFixed(1)}s` : `${n}ms`;
}
