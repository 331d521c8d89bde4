// Stub: filled in by the parser implementation commit.
import { EngineError, ErrorCodes } from '../errors.ts';
import type { InstructionNode, ParseOptions, ParseResult, SyntaxTree } from './index.ts';

export function parseDockerfile(source: string | Uint8Array, opts: ParseOptions = {}): ParseResult {
  void source;
  throw new EngineError(ErrorCodes.INTERNAL, 'parser not implemented yet', { file: opts.file });
}

export function dumpNode(node: InstructionNode): string {
  void node;
  throw new EngineError(ErrorCodes.INTERNAL, 'not implemented yet');
}

export function dumpTree(ast: SyntaxTree): string {
  void ast;
  throw new EngineError(ErrorCodes.INTERNAL, 'not implemented yet');
}
