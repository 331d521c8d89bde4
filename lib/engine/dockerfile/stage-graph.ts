// The stage dependency graph: FROM <stage>, COPY --from=<name|index|image> and
// RUN --mount=from=<name|image>. Unknown names are images (pulled), as in BuildKit.
import { EngineError, ErrorCodes } from '../errors.ts';
import { imageRefOrThrow } from './build-plan-errors.ts';
import type { DependencyKind, Stage } from './index.ts';

/** Go's strconv.Atoi accepts an optional sign and decimal digits. */
const INTEGER = /^[+-]?\d+$/;

/** Fill `dependsOn` and `images` of every stage; throws on a bad index or a cycle. */
export function buildGraph(stages: Stage[], file?: string): void {
  const byName = new Map<string, number>();
  for (const s of stages) if (s.name !== undefined) byName.set(s.name, s.index);

  const add = (s: Stage, ref: string, kind: DependencyKind, line: number, allowIndex: boolean) => {
    if (allowIndex && INTEGER.test(ref)) {
      const index = Number(ref);
      if (index < 0 || index >= stages.length) {
        throw new EngineError(
          ErrorCodes.UNKNOWN_STAGE,
          `invalid stage index ${index}: this Dockerfile has stages 0 to ${stages.length - 1}`,
          { range: { start: line, end: line }, file },
        );
      }
      s.dependsOn.push({ stage: index, kind, line });
      return;
    }
    const named = byName.get(ref.toLowerCase());
    if (named !== undefined) s.dependsOn.push({ stage: named, kind, line });
    else s.images.push({ ref, normalized: imageRefOrThrow(ref, 'stage name', [...byName.keys()], line, file), kind, line });
  };

  for (const s of stages) {
    if (s.base.kind === 'stage') s.dependsOn.push({ stage: s.base.index, kind: 'from', line: s.from.range.start });
    for (const ins of [...s.onbuildTriggers, ...s.instructions]) {
      if (ins.kind === 'COPY' && ins.from !== undefined) add(s, ins.from, 'copy-from', ins.range.start, true);
      if (ins.kind === 'RUN') {
        for (const m of ins.mounts) if (m.from !== undefined) add(s, m.from, 'mount-from', ins.range.start, false);
      }
    }
  }
  checkCycles(stages, file);
}

function checkCycles(stages: Stage[], file?: string): void {
  const visited = new Set<number>();
  const onPath = new Set<number>();
  const visit = (i: number, lines: number[]): number[] | undefined => {
    if (visited.has(i)) return undefined;
    visited.add(i);
    onPath.add(i);
    for (const d of stages[i].dependsOn) {
      const next = [...lines, d.line];
      if (onPath.has(d.stage)) return next;
      const found = visit(d.stage, next);
      if (found) return found;
    }
    onPath.delete(i);
    return undefined;
  };
  for (const s of stages) {
    const lines = visit(s.index, []);
    if (lines) {
      const start = Math.min(...lines);
      throw new EngineError(
        ErrorCodes.INVALID_ARGUMENT,
        `circular dependency detected on stage: ${s.name ?? `stage-${s.index}`} (a stage cannot copy from itself or from a stage that copies from it)`,
        { range: { start, end: Math.max(...lines) }, file },
      );
    }
  }
}
