import { describe, expect, it } from 'vitest';
import { cacheKey } from './cache-key.ts';
import { describeFileChanges, explainMiss } from './miss-reason.ts';
import type { StepInputs } from './cache.ts';

const copyFrom = (fromKey: string, sum: string): StepInputs => ({
  kind: 'copy', text: 'COPY --from=build /out /app', workdir: '/', files: { 'out/a': sum }, extra: { from: 'build', fromKey },
});

// BuildKit keys a file op's sources by content (solver/llbsolver/ops/file.go: CacheMap uses
// content-based checksums of the inputs' selectors), so a rebuilt stage with byte-identical
// output leaves COPY --from and everything after it CACHED.
describe('COPY --from cache key (content-based like BuildKit file ops)', () => {
  it('does not change when only the source stage key changes', () => {
    expect(cacheKey('p', copyFrom('sha256:1', 'file 644 0:0 1 sha256:aa'))).toBe(cacheKey('p', copyFrom('sha256:2', 'file 644 0:0 1 sha256:aa')));
  });
  it('changes when the copied files change', () => {
    expect(cacheKey('p', copyFrom('sha256:1', 'file 644 0:0 1 sha256:aa'))).not.toBe(cacheKey('p', copyFrom('sha256:1', 'file 644 0:0 1 sha256:bb')));
  });
});

describe('miss reasons in student words', () => {
  it('names a mode change with the octal modes', () => {
    expect(describeFileChanges({ 'b.txt': 'file 644 0:0 1 sha256:aa' }, { 'b.txt': 'file 755 0:0 1 sha256:aa' })).toBe('mode of b.txt changed 644→755');
  });
  it('never shows the internal fromKey field', () => {
    const prev = { inputs: copyFrom('sha256:1', 'x'), parentKey: 'p' } as never;
    const why = explainMiss(copyFrom('sha256:2', 'x'), 'p', prev, {} as never);
    expect(why).toBe('stage build produced different files');
  });
});
