import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.ts';
import { createBuildPlan, DEFAULT_PATH_ENV } from './build-plan.ts';
import type { BuildPlanOptions, Instruction } from './index.ts';
import { expandStage } from './stage-expander.ts';

const amd64 = { os: 'linux', architecture: 'amd64' };
const plan = (text: string, opts: BuildPlanOptions = {}) =>
  createBuildPlan(text, { buildPlatform: amd64, file: 'Dockerfile', ...opts });
const lines = (...l: string[]) => l.join('\n') + '\n';
/** The expanded instructions of stage i. */
const steps = (text: string, i = 0, opts: BuildPlanOptions = {}) => plan(text, opts).stages[i].expanded.steps;
const ins = (text: string, i = 0, opts: BuildPlanOptions = {}): Instruction[] => steps(text, i, opts).map((s) => s.instruction);

function failure(text: string, opts: BuildPlanOptions = {}): EngineError {
  try {
    plan(text, opts);
  } catch (err) {
    if (err instanceof EngineError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('ARG scoping', () => {
  it('meta ARGs are visible to FROM but not inside a stage until re-declared', () => {
    const df = lines('ARG TAG=3.20', 'FROM alpine:${TAG}', 'WORKDIR /a/$TAG', 'ARG TAG', 'WORKDIR /b/$TAG');
    const p = plan(df);
    expect(p.stages[0].baseName).toBe('alpine:3.20');
    const [w1, , w2] = ins(df);
    expect(w1).toMatchObject({ kind: 'WORKDIR', path: '/a/' });
    expect(w2).toMatchObject({ kind: 'WORKDIR', path: '/b/3.20' });
    expect(steps(df)[0].undefinedVars).toEqual(['TAG']);
    expect(steps(df)[2].undefinedVars).toEqual([]);
  });

  it('meta ARG defaults can use earlier meta ARGs; --build-arg overrides them', () => {
    const df = lines('ARG V=1', 'ARG IMG=base:$V', 'FROM $IMG');
    expect(plan(df).stages[0].baseName).toBe('base:1');
    expect(plan(df, { buildArgs: { V: '2' } }).stages[0].baseName).toBe('base:2');
    expect(plan(df, { buildArgs: { IMG: 'other' } }).stages[0].baseName).toBe('other');
  });

  it('FROM cannot see stage ARGs or ENV, and an empty base name is an error', () => {
    const e = failure(lines('FROM alpine', 'ARG X=busybox', 'FROM $X'));
    expect(e.message).toMatch(/base name \(\$X\) should not be blank/);
    expect(e.range).toEqual({ start: 3, end: 3 });
  });

  it('each stage has its own ARGs', () => {
    const df = lines('FROM a AS one', 'ARG X=1', 'ENV ONE=$X', 'FROM b', 'ENV TWO=$X');
    expect(ins(df, 0)[1]).toMatchObject({ pairs: [{ key: 'ONE', value: '1' }] });
    expect(ins(df, 1)[0]).toMatchObject({ pairs: [{ key: 'TWO', value: '' }] });
  });

  it('a stage built FROM another stage inherits its ENV and ARGs', () => {
    const df = lines('FROM a AS base', 'ARG X=1', 'ENV Y=2', 'FROM base', 'RUN --mount=type=cache,target=/c/$X/$Y true');
    expect(ins(df, 1)[0]).toMatchObject({ mounts: [{ target: '/c/1/2' }] });
  });

  it('ENV overrides an ARG of the same name for later instructions', () => {
    const df = lines('FROM a', 'ARG V=from-arg', 'ENV V=from-env', 'WORKDIR /$V');
    expect(ins(df)[2]).toMatchObject({ path: '/from-env' });
    expect(ins(df, 0, { buildArgs: { V: 'cli' } })[2]).toMatchObject({ path: '/from-env' });
  });

  it('--build-arg wins over an ARG default; an ARG without default and value stays unset', () => {
    const df = lines('FROM a', 'ARG A=default', 'ARG B', 'USER $A:${B:-none}');
    expect(ins(df)[2]).toMatchObject({ user: 'default:none' });
    expect(ins(df, 0, { buildArgs: { A: 'cli', B: 'b' } })[2]).toMatchObject({ user: 'cli:b' });
    // B is declared, so it is not reported as undefined even without a value.
    expect(steps(df)[2].undefinedVars).toEqual([]);
  });

  it('one ENV line expands against the environment from before the line', () => {
    const df = lines('FROM a', 'ENV A=1', 'ENV A=2 B=$A', 'LABEL b=$B');
    expect(ins(df)[1]).toMatchObject({ pairs: [{ key: 'A', value: '2' }, { key: 'B', value: '1' }] });
    expect(ins(df)[2]).toMatchObject({ pairs: [{ key: 'b', value: '1' }] });
  });

  it('predefined platform args: global for FROM, need ARG inside a stage', () => {
    const df = lines('FROM --platform=$BUILDPLATFORM golang AS b', 'WORKDIR /$TARGETARCH', 'ARG TARGETARCH', 'WORKDIR /$TARGETARCH');
    const p = plan(df, { targetPlatform: { os: 'linux', architecture: 'arm64' } });
    expect(p.stages[0].platform).toBe('linux/amd64');
    expect(p.stages[0].fromVars.used).toEqual(['BUILDPLATFORM']);
    const w = p.stages[0].expanded.steps.map((s) => s.instruction);
    expect(w[0]).toMatchObject({ path: '/' });
    expect(w[2]).toMatchObject({ path: '/arm64' });
  });

  it('proxy build args are not visible without ARG and are never reported unused', () => {
    const df = lines('FROM a', 'WORKDIR /$HTTP_PROXY');
    const p = plan(df, { buildArgs: { HTTP_PROXY: 'http://proxy', UNUSED: 'x' } });
    expect(p.stages[0].expanded.steps[0].instruction).toMatchObject({ path: '/' });
    expect(p.unusedBuildArgs).toEqual(['UNUSED']);
    expect(p.proxyEnv).toEqual({ HTTP_PROXY: 'http://proxy' });
    const declared = plan(lines('FROM a', 'ARG HTTP_PROXY', 'WORKDIR /$HTTP_PROXY'), { buildArgs: { HTTP_PROXY: 'p' } });
    expect(declared.stages[0].expanded.steps[1].instruction).toMatchObject({ path: '/p' });
  });

  it('PATH defaults to BuildKit\'s value; the base image env comes in through expandStage', () => {
    const df = lines('FROM a', 'ENV PATH=$PATH:/x GO=$GOPATH/bin');
    expect(ins(df)[0]).toMatchObject({ pairs: [{ value: `${DEFAULT_PATH_ENV}:/x` }, { value: '/bin' }] });
    const p = plan(df);
    const real = expandStage(p, 0, { baseEnv: ['PATH=/go/bin:/usr/bin', 'GOPATH=/go'] });
    expect(real.steps[0].instruction).toMatchObject({ pairs: [{ value: '/go/bin:/usr/bin:/x' }, { value: '/go/bin' }] });
    expect(real.imageEnv).toEqual(['PATH=/go/bin:/usr/bin:/x', 'GOPATH=/go', 'GO=/go/bin']);
  });

  it('expands COPY heredoc bodies only for unquoted delimiters, quotes left alone', () => {
    const df = lines('FROM a', 'ARG N=x', "COPY <<A <<'B' /d/", `"$N" '$N'`, 'A', '$N', 'B');
    const copy = ins(df)[1];
    expect(copy).toMatchObject({ contents: [{ path: 'A', data: `"x" 'x'\n` }, { path: 'B', data: '$N\n' }] });
  });

  it('what expands and what does not', () => {
    const df = lines(
      'FROM a', 'ARG V=v N=8080 S=TERM', 'RUN echo $V', 'CMD echo $V', 'EXPOSE $N 80', 'VOLUME /$V', 'STOPSIGNAL SIG$S',
      'COPY --chown=$V:$V --from=x $V /$V/',
    );
    const [, run, cmd, expose, volume, signal, copy] = ins(df);
    expect(run).toMatchObject({ command: ['echo $V'] });
    expect(cmd).toMatchObject({ command: ['echo $V'] });
    expect(expose).toMatchObject({ ports: ['8080', '80'] }); // sorted before expansion, like BuildKit
    expect(volume).toMatchObject({ volumes: ['/v'] });
    expect(signal).toMatchObject({ signal: 'SIGTERM' });
    expect(copy).toMatchObject({ chown: 'v:v', sources: ['v'], dest: '/v/', from: 'x' });
  });

  it('dispatch checks: stop signal and exposed ports', () => {
    expect(ins(lines('FROM a', 'ARG S=term', 'STOPSIGNAL SIG$S', 'EXPOSE 80/udp 8000-8010'))[1]).toMatchObject({ signal: 'SIGterm' });
    expect(failure(lines('FROM a', 'STOPSIGNAL SIGNOPE')).message).toMatch(/^Invalid signal: SIGNOPE/);
    expect(failure(lines('FROM a', 'STOPSIGNAL 0')).range).toEqual({ start: 2, end: 2 });
    expect(failure(lines('FROM a', 'EXPOSE 80/http')).message).toBe('EXPOSE: invalid proto: http');
    expect(failure(lines('FROM a', 'ARG P=abc', 'EXPOSE $P')).message).toBe('EXPOSE: invalid containerPort: abc');
  });

  it('FROM --platform must look like os/arch[/variant]', () => {
    expect(plan(lines('ARG P=linux/arm64/v8', 'FROM --platform=$P a')).stages[0].platform).toBe('linux/arm64/v8');
    const e = failure(lines('FROM --platform="linux amd64" a'));
    expect(e.message).toMatch(/^failed to parse platform linux amd64: "linux amd64"/);
    expect(failure(lines('FROM --platform=$NOPE a')).message).toBe('empty platform value from expression $NOPE');
  });

  it('expansion errors carry the line', () => {
    const e = failure(lines('FROM a', 'WORKDIR ${X:?set X with --build-arg}'));
    expect(e.code).toBe('EXPANSION_ERROR');
    expect(e.message).toMatch(/X: set X with --build-arg/);
    expect(e.range).toEqual({ start: 2, end: 2 });
  });
});

describe('stage graph and target', () => {
  const df = lines(
    'FROM golang AS build', 'RUN go build',
    'FROM node AS assets', 'RUN npm run build',
    'FROM build AS test', 'RUN go test',
    'FROM alpine', 'COPY --from=build /app /app', 'COPY --from=Assets /dist /dist', 'COPY --from=nginx:1 /etc/nginx /etc/nginx',
  );

  it('resolves bases, COPY --from by name (any case), index or image', () => {
    const p = plan(df);
    expect(p.stages[2].base).toEqual({ kind: 'stage', index: 0 });
    expect(p.stages[3].dependsOn).toEqual([
      { stage: 0, kind: 'copy-from', line: 8 },
      { stage: 1, kind: 'copy-from', line: 9 },
    ]);
    expect(p.stages[3].images).toEqual([{ ref: 'nginx:1', normalized: 'docker.io/library/nginx:1', kind: 'copy-from', line: 10 }]);
    expect(p.stages[0].base).toEqual({ kind: 'image', ref: 'golang', normalized: 'docker.io/library/golang:latest' });
  });

  it('builds only what the target needs', () => {
    expect(plan(df)).toMatchObject({ target: 3, needed: [0, 1, 3], pruned: [2] });
    expect(plan(df, { target: 'TEST' })).toMatchObject({ target: 2, needed: [0, 2], pruned: [1, 3] });
    const mount = lines('FROM a AS deps', 'FROM b AS x', 'FROM c', 'RUN --mount=from=deps,target=/d true');
    expect(plan(mount)).toMatchObject({ needed: [0, 2], pruned: [1] });
  });

  it('errors: unknown target, bad index, cycles, copying from a later stage', () => {
    const t = failure(df, { target: 'tset' });
    expect(t.code).toBe('UNKNOWN_STAGE');
    expect(t.message).toBe('target stage "tset" could not be found (did you mean test?)');
    const idx = failure(lines('FROM a', 'COPY --from=3 / /'));
    expect(idx.message).toMatch(/^invalid stage index 3/);
    expect(idx.range).toEqual({ start: 2, end: 2 });
    expect(failure(lines('FROM a AS x', 'COPY --from=x / /')).message).toMatch(/circular dependency detected on stage: x/);
    const df2 = lines('FROM a', 'COPY --from=later / /', 'FROM b AS later', 'FROM c', 'COPY --from=0 / /');
    const later = failure(df2);
    expect(later.message).toMatch(/cannot copy from stage "later", it needs to be defined before current stage "stage-0"/);
    expect(later.range).toEqual({ start: 2, end: 2 });
    // The same stage is not needed when the target does not depend on it: no error.
    expect(plan(df2, { target: 'later' }).needed).toEqual([1]);
  });

  it('a stage FROM another stage runs that stage\'s ONBUILD triggers first', () => {
    const df = lines('FROM a AS deps', 'FROM a AS base', 'ARG V=1', 'ONBUILD COPY --from=deps /x /x-$V', 'FROM base', 'RUN go');
    const p = plan(df);
    expect(p.stages[2].onbuildTriggers).toMatchObject([{ kind: 'COPY', from: 'deps', range: { start: 4, end: 4 } }]);
    expect(p.stages[2].dependsOn.map((d) => [d.stage, d.kind])).toEqual([[1, 'from'], [0, 'copy-from']]);
    expect(p.needed).toEqual([0, 1, 2]);
    expect(p.stages[2].expanded.steps.map((s) => s.instruction)).toMatchObject([{ kind: 'COPY', dest: '/x-1' }, { kind: 'RUN' }]);
    expect(p.stages[1].onbuildTriggers).toEqual([]);
  });

  it('image references are checked like BuildKit, in every stage', () => {
    const e = failure(lines('FROM alpine AS build', 'FROM Build', 'FROM scratch'));
    expect(e.message).toBe('failed to parse stage name "Build": invalid reference format: repository name (library/Build) must be lowercase (stage names are matched in lower case here: write build)');
    expect(e.range).toEqual({ start: 2, end: 2 });
    expect(failure(lines('FROM alpine:', 'RUN x')).message).toMatch(/^failed to parse stage name "alpine:": invalid reference format/);
    expect(failure(lines('FROM a', 'COPY --from=bad//ref / /')).range).toEqual({ start: 2, end: 2 });
  });

  it('errors in stages the target does not need do not fail the plan', () => {
    const p = plan(lines('FROM a AS broken', 'WORKDIR ${X:?}', 'FROM b'));
    expect(p.pruned).toEqual([0]);
    expect(() => plan(lines('FROM a AS broken', 'WORKDIR ${X:?}', 'FROM b'), { target: 'broken' })).toThrow(EngineError);
  });
});
