// Stub: filled in by the instructions implementation commit.
import { EngineError, ErrorCodes } from '../errors.ts';
import type { Instruction, InstructionNode, ParsedDockerfile, ParseResult } from './index.ts';

export function parseInstructions(result: ParseResult): ParsedDockerfile {
  void result;
  throw new EngineError(ErrorCodes.INTERNAL, 'not implemented yet');
}

export function parseInstructionNode(node: InstructionNode, file?: string): Instruction {
  void node;
  void file;
  throw new EngineError(ErrorCodes.INTERNAL, 'not implemented yet');
}
