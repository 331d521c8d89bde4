// Located errors for image references used by FROM, COPY --from and RUN --mount from=.
import { EngineError, ErrorCodes } from '../errors.ts';
import { ImageRefError, parseImageRef } from './image-ref.ts';

/**
 * The normalized reference, or an EngineError at `line` in BuildKit's words plus a hint. BuildKit
 * checks every stage's image this way, even in stages the target does not need.
 */
export function imageRefOrThrow(ref: string, what: string, stageNames: string[], line: number, file?: string): string {
  try {
    return parseImageRef(ref).normalized;
  } catch (err) {
    if (!(err instanceof ImageRefError)) throw err;
    const lower = ref.toLowerCase();
    const hint = stageNames.includes(lower)
      ? ` (stage names are matched in lower case here: write ${lower})`
      : ' (expected an image like alpine:3.20 or registry.example.com/team/app:1.0, or the name of an earlier stage)';
    throw new EngineError(ErrorCodes.INVALID_ARGUMENT, `failed to parse ${what} "${ref}": ${err.message}${hint}`, {
      range: { start: line, end: line },
      file,
    });
  }
}
