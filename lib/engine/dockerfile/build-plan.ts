// Stub: filled in by the build plan implementation commit.
import { EngineError, ErrorCodes } from '../errors.ts';
import type { BuildPlan, BuildPlanOptions, ExpandedStage, ExpandStageOptions, ParseResult } from './index.ts';

/** PATH BuildKit sets when the base image has none (linux). */
export const DEFAULT_PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function createBuildPlan(input: string | Uint8Array | ParseResult, opts: BuildPlanOptions = {}): BuildPlan {
  void input;
  void opts;
  throw new EngineError(ErrorCodes.INTERNAL, 'not implemented yet');
}

export function expandStage(plan: BuildPlan, index: number, opts: ExpandStageOptions = {}): ExpandedStage {
  void plan;
  void index;
  void opts;
  throw new EngineError(ErrorCodes.INTERNAL, 'not implemented yet');
}
