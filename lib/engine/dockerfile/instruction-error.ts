// Shared by the instruction parsers: the error they raise and small argument helpers.
import { ErrorCodes, type ErrorCode } from '../errors.ts';

/** A problem with one instruction; turned into a located EngineError by the caller. */
export class InstructionError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode = ErrorCodes.INVALID_ARGUMENT,
  ) {
    super(message);
  }
}

export const atLeastOne = (k: string) => new InstructionError(`${k} requires at least one argument`);
export const exactlyOne = (k: string) => new InstructionError(`${k} requires exactly one argument`);

/** Exec form keeps the array; shell form joins the words into one command string. */
export function jsonArgs(args: string[], json: boolean): string[] {
  if (args.length === 0) return [];
  return json ? args : [args.join(' ')];
}

