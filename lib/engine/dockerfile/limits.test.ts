// The frontend's hard limits (limits.ts) against the hostile files of issue 10. BuildKit has no
// such limits (frontend/dockerfile/parser/parser.go stops only at bufio.Scanner's 64 KiB per
// physical line; shell/lex.go expands without bound), so these are the lab's own.
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../errors.ts';
import { checkDockerfile } from '../checks/index.ts';
import { createBuildPlan, parseDockerfile } from './index.ts';
import { FRONTEND_LIMIT_DEFAULTS, frontendLimits } from './limits.ts';
import { ShellLexer } from './shell-lexer.ts';

const doublingArgs = (n: number, meta = false) => {
  const args = ['ARG A0=x', ...Array.from({ length: n }, (_, i) => `ARG A${i + 1}=\${A${i}}\${A${i}}`)];
  return (meta ? [...args, `FROM busybox:$A${n}`] : ['FROM busybox', ...args, `RUN echo $A${n}`]).join('\n') + '\n';
};

/** Run `fn`, expect a RESOURCE_LIMIT EngineError, and return it with the heap growth it caused. */
function refused(fn: () => unknown): { err: EngineError; heapMb: number; ms: number } {
  globalThis.gc?.();
  const h0 = process.memoryUsage().heapUsed;
  const t0 = Date.now();
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  const ms = Date.now() - t0;
  const heapMb = (process.memoryUsage().heapUsed - h0) / 1e6;
  expect(err).toBeInstanceOf(EngineError);
  expect((err as EngineError).code).toBe('RESOURCE_LIMIT');
  return { err: err as EngineError, heapMb, ms };
}

describe('frontend limits', () => {
  afterEach(() => {
    for (const d of Object.values(FRONTEND_LIMIT_DEFAULTS)) delete process.env[d.env];
  });

  it('stops 40 doubling ARGs in a stage at the first one past 1 MiB, naming its line', () => {
    const { err, heapMb, ms } = refused(() => createBuildPlan(doublingArgs(40)));
    // A0 is line 2, so A21 (2 Mi characters) is line 23.
    expect(err.message).toMatch(/^line 23: ARG A21 expands to more than 1 MiB/);
    expect(err.message).toContain('LAB_MAX_EXPANSION_CHARS');
    expect(err.range).toEqual({ start: 23, end: 23 });
    expect(heapMb).toBeLessThan(200);
    expect(ms).toBeLessThan(10_000);
  });

  it('stops the 837-byte meta-ARG doubling file (ARGs before FROM)', () => {
    const text = doublingArgs(40, true);
    expect(text.length).toBeLessThan(900);
    const { err, heapMb } = refused(() => createBuildPlan(text));
    expect(err.message).toMatch(/^line 22: ARG A21 expands/);
    expect(heapMb).toBeLessThan(200);
  });

  it('lint reports the doubling file as one error instead of growing without bound', async () => {
    const r = await checkDockerfile(doublingArgs(40));
    expect(r.error?.code).toBe('RESOURCE_LIMIT');
    expect(r.error?.range?.start).toBe(23);
  });

  it('refuses a 13 MB Dockerfile before splitting it into lines', () => {
    const text = 'FROM busybox\n' + 'RUN echo hello world, this is one line of a big file\n'.repeat(250_000);
    expect(text.length).toBeGreaterThan(12_900_000);
    const { err, ms } = refused(() => parseDockerfile(text));
    expect(err.message).toMatch(/the Dockerfile is 12\.\d MiB .*at most 2 MiB/);
    expect(ms).toBeLessThan(2_000);
    refused(() => parseDockerfile(new TextEncoder().encode(text)));
  });

  it('refuses 100k instructions at instruction 10001', () => {
    const { err, heapMb } = refused(() => parseDockerfile('FROM busybox\n' + 'ENV A=1\n'.repeat(100_000)));
    expect(err.message).toMatch(/^line 10001: more than 10000 instructions/);
    expect(heapMb).toBeLessThan(300);
  });

  it('refuses a heredoc longer than 1 MiB at its first line', () => {
    const text = 'FROM busybox\nRUN <<EOF\n' + 'echo xxxxxxxxxxxxxxxxxxxxxx\n'.repeat(60_000) + 'EOF\n';
    expect(text.length).toBeLessThan(2 * 1024 * 1024);
    const { err } = refused(() => parseDockerfile(text));
    expect(err.message).toMatch(/^line 2: heredoc <<EOF is longer than 1 MiB/);
  });

  it('refuses deep ${a:-${b:-${c...}}} nesting without overflowing the stack', () => {
    const text = 'FROM busybox\nARG X=' + '${a:-'.repeat(5000) + 'x' + '}'.repeat(5000) + '\n';
    const { err } = refused(() => createBuildPlan(text));
    expect(err.message).toMatch(/^line 2: ARG X nests \$\{\.\.\.\} more than 64 levels deep/);
    // 64 levels are fine.
    const ok = 'FROM busybox\nARG X=' + '${a:-'.repeat(60) + 'x' + '}'.repeat(60) + '\n';
    expect(createBuildPlan(ok).stages[0].expanded.steps[0].instruction).toMatchObject({ args: [{ key: 'X', value: 'x' }] });
  });

  it('refuses ${V//p/$V} multiplication before building the result', () => {
    const lines = ['FROM busybox', `ARG A0=${'a'.repeat(64)}`];
    for (let i = 0; i < 6; i++) lines.push(`ARG A${i + 1}=\${A${i}//a/\${A${i}}}`);
    const { err } = refused(() => createBuildPlan(lines.join('\n')));
    expect(err.message).toMatch(/^line 4: ARG A2 expands to more than 1 MiB/);
  });

  it('refuses a logical line longer than 256 KiB after joining continuation lines', () => {
    const text = 'FROM busybox\nRUN echo \\\n' + ('a'.repeat(60_000) + ' \\\n').repeat(10) + 'b\n';
    const { err } = refused(() => parseDockerfile(text));
    expect(err.message).toMatch(/^line 2: the instruction starting here is longer than 256 KiB/);
  });

  it('refuses more than 256 stages', () => {
    const { err } = refused(() => parseDockerfile('FROM busybox\n'.repeat(300)));
    expect(err.message).toMatch(/^line 257: more than 256 stages/);
  });

  it('caps the total of all expansions of one Dockerfile across stages', () => {
    process.env.LAB_MAX_EXPANSION_TOTAL_CHARS = String(4 * 1024 * 1024);
    const lines = ['FROM busybox AS a', 'ARG A0=x', ...Array.from({ length: 19 }, (_, i) => `ARG A${i + 1}=\${A${i}}\${A${i}}`)];
    for (let i = 0; i < 10; i++) lines.push(`LABEL l${i}=$A19`);
    const { err } = refused(() => createBuildPlan(lines.join('\n')));
    expect(err.message).toMatch(/LABEL takes the variable expansions of this Dockerfile past 4 MiB characters in total/);
  });

  it('reads each limit from its LAB_* variable, ignoring values that are not positive integers', () => {
    process.env.LAB_MAX_DOCKERFILE_INSTRUCTIONS = '3';
    process.env.LAB_MAX_EXPANSION_CHARS = 'lots';
    expect(frontendLimits()).toMatchObject({ instructions: 3, expansionChars: 1024 * 1024 });
    const { err } = refused(() => parseDockerfile('FROM a\nRUN 1\nRUN 2\nRUN 3\n'));
    expect(err.message).toMatch(/^line 4: more than 3 instructions.*LAB_MAX_DOCKERFILE_INSTRUCTIONS/);
  });

  it('leaves ordinary expansions alone', () => {
    const lx = new ShellLexer();
    expect(lx.processWord('${A:-${B:-x}}-$C', { C: 'c' })).toBe('x-c');
    const plan = createBuildPlan('FROM busybox\nARG V=1.2\nENV P=/opt/$V\nWORKDIR $P\n');
    expect(plan.stages[0].expanded.steps[2].instruction).toMatchObject({ path: '/opt/1.2' });
  });
});
