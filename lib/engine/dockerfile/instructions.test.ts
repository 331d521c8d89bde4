import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.ts';
import type { Instruction } from './index.ts';
import { parseInstructions } from './instructions.ts';
import { parseDockerfile } from './parser.ts';

const parse = (text: string) => parseInstructions(parseDockerfile(text, { file: 'Dockerfile' }));
const first = (line: string): Instruction => parse(`FROM scratch\n${line}\n`).stages[0].instructions[0];

function failure(text: string): EngineError {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof EngineError) return err;
    throw err;
  }
  throw new Error('expected an error');
}
const lineError = (line: string) => failure(`FROM scratch\n${line}\n`);

describe('typed instructions', () => {
  it('FROM with platform and a lower-cased stage name', () => {
    const p = parse('FROM --platform=$BUILDPLATFORM golang:1.22 AS Builder\n');
    expect(p.stages[0].from).toMatchObject({ kind: 'FROM', image: 'golang:1.22', stageName: 'builder', platform: '$BUILDPLATFORM' });
    expect(p.stages[0].name).toBe('builder');
  });

  it('RUN shell and exec form, mounts, network, security, heredoc files', () => {
    expect(first('RUN echo $HOME')).toMatchObject({ command: ['echo $HOME'], shellForm: true });
    expect(first('RUN ["echo", "a"]')).toMatchObject({ command: ['echo', 'a'], shellForm: false });
    const run = first('RUN --mount=type=cache,target=/root/.npm,sharing=locked --mount=type=secret,id=tok --network=none --security=insecure npm ci');
    expect(run).toMatchObject({
      kind: 'RUN',
      network: 'none',
      security: 'insecure',
      mounts: [
        { type: 'cache', target: '/root/.npm', sharing: 'locked', readOnly: false },
        { type: 'secret', id: 'tok', readOnly: true },
      ],
    });
    const hd = parse('FROM a\nRUN <<EOF\necho hi\nEOF\n').stages[0].instructions[0];
    expect(hd).toMatchObject({ files: [{ name: 'EOF', data: 'echo hi\n', chomp: false }] });
  });

  it('COPY and ADD with flags and heredoc sources', () => {
    expect(first('COPY --from=build --chown=1000:1000 --chmod=0755 --link --parents --exclude=*.md a b /dst/')).toMatchObject({
      kind: 'COPY', sources: ['a', 'b'], dest: '/dst/', from: 'build', chown: '1000:1000', chmod: '0755',
      link: true, parents: true, excludes: ['*.md'],
    });
    expect(first('ADD --checksum=sha256:abc --keep-git-dir=true --unpack=false https://x/y.tgz /z')).toMatchObject({
      kind: 'ADD', sources: ['https://x/y.tgz'], checksum: 'sha256:abc', keepGitDir: true, unpack: false,
    });
    const c = parse('FROM a\nCOPY <<-EOT /etc/motd\n\thello\nEOT\n').stages[0].instructions[0];
    expect(c).toMatchObject({ sources: [], contents: [{ path: 'EOT', data: 'hello\n', expand: true }], dest: '/etc/motd' });
  });

  it('ENV/LABEL pairs remember the legacy form, ARG keeps optional values', () => {
    expect(first('ENV A=1 B="2 3"')).toMatchObject({ pairs: [{ key: 'A', value: '1' }, { key: 'B', value: '"2 3"' }] });
    expect(first('ENV A 1')).toMatchObject({ pairs: [{ key: 'A', value: '1', noDelimiter: true }] });
    expect(first('ARG A B= C=x')).toMatchObject({ args: [{ key: 'A' }, { key: 'B', value: '' }, { key: 'C', value: 'x' }] });
    expect((first('ARG A') as { args: object[] }).args[0]).not.toHaveProperty('value');
  });

  it('HEALTHCHECK CMD with durations, NONE', () => {
    expect(first('HEALTHCHECK --interval=1m30s --timeout=500ms --retries=3 CMD curl -f localhost')).toMatchObject({
      health: { type: 'CMD', test: ['CMD-SHELL', 'curl -f localhost'], intervalMs: 90000, timeoutMs: 500, retries: 3 },
    });
    expect(first('HEALTHCHECK CMD ["true"]')).toMatchObject({ health: { test: ['CMD', 'true'] } });
    expect(first('HEALTHCHECK NONE')).toMatchObject({ health: { type: 'NONE' } });
  });

  it('the other instructions', () => {
    expect(first('SHELL ["/bin/bash", "-c"]')).toMatchObject({ shell: ['/bin/bash', '-c'] });
    expect(first('EXPOSE 8080/tcp 443')).toMatchObject({ ports: ['443', '8080/tcp'] });
    expect(first('VOLUME ["/data", "/logs"]')).toMatchObject({ volumes: ['/data', '/logs'] });
    expect(first('STOPSIGNAL SIGTERM')).toMatchObject({ signal: 'SIGTERM' });
    expect(first('USER app:app')).toMatchObject({ user: 'app:app' });
    expect(first('WORKDIR /app')).toMatchObject({ path: '/app' });
    expect(first('MAINTAINER me <me@x>')).toMatchObject({ maintainer: 'me <me@x>' });
    expect(first('ONBUILD COPY . /app')).toMatchObject({ expression: 'COPY . /app', trigger: { kind: 'COPY', dest: '/app' } });
  });

  it('meta ARGs before the first FROM, stage ranges', () => {
    const p = parse('ARG V=1\nFROM a AS one\nRUN x\n\nFROM one\nRUN y\n');
    expect(p.metaArgs).toHaveLength(1);
    expect(p.stages.map((s) => [s.index, s.name, s.range.start, s.range.end])).toEqual([
      [0, 'one', 2, 3],
      [1, undefined, 5, 6],
    ]);
  });
});

describe('errors a student can act on', () => {
  it('unknown instruction, with a suggestion and the line', () => {
    const e = lineError('RUNN make');
    expect(e.code).toBe('UNKNOWN_INSTRUCTION');
    expect(e.message).toBe('unknown instruction: RUNN (did you mean RUN?)');
    expect(e.describe()).toBe('Dockerfile:2: unknown instruction: RUNN (did you mean RUN?)');
  });

  it('unknown, duplicate and malformed flags', () => {
    const e = lineError('COPY --form=build a b');
    expect(e.code).toBe('INVALID_FLAG');
    expect(e.message).toMatch(/^unknown flag: --form \(did you mean --from\?\)/);
    expect(lineError('COPY --from=a --from=b a b').message).toBe('duplicate flag specified: --from');
    expect(lineError('COPY --from a b').message).toMatch(/missing a value on flag: --from/);
    expect(lineError('COPY --link=maybe a b').message).toBe('expecting boolean value for flag --link, not: maybe');
    expect(lineError('WORKDIR --x /a').message).toMatch(/WORKDIR takes no flags/);
    expect(lineError('RUN --mount=type=nope,target=/x true').message).toMatch(/--mount: unsupported mount type "nope"/);
    expect(lineError('RUN --mount=type=cache,targt=/x true').message).toMatch(/unexpected key 'targt'.*did you mean target/);
    expect(lineError('RUN --network=bridge true').message).toMatch(/unsupported network mode "bridge"/);
  });

  it('wrong argument counts', () => {
    expect(lineError('COPY onlyone').message).toMatch(/^COPY requires at least two arguments/);
    expect(lineError('WORKDIR').message).toBe('WORKDIR requires exactly one argument');
    expect(lineError('ENV').message).toBe('ENV requires at least one argument');
    expect(lineError('EXPOSE').message).toBe('EXPOSE requires at least one argument');
    expect(failure('FROM a b\n').message).toMatch(/FROM requires either one or three arguments/);
    expect(failure('FROM a AS 1x\n').message).toMatch(/invalid name for build stage: "1x"/);
    expect(lineError('SHELL /bin/sh -c').message).toMatch(/SHELL requires the arguments to be in JSON form/);
    expect(lineError('HEALTHCHECK CMD').message).toBe('Missing command after HEALTHCHECK CMD');
    expect(lineError('HEALTHCHECK --interval=5 CMD x').message).toMatch(/invalid duration "5"/);
    expect(lineError('HEALTHCHECK NONE x').message).toBe('HEALTHCHECK NONE takes no arguments');
    expect(lineError('ONBUILD FROM x').message).toBe("FROM isn't allowed as an ONBUILD trigger");
    expect(lineError('COPY a <<EOF\nEOF').message).toBe('COPY cannot accept a heredoc as a destination');
  });

  it('an instruction before FROM (other than ARG), and no FROM at all', () => {
    const e = failure('ARG A\nRUN echo\nFROM a\n');
    expect(e.code).toBe('MISSING_FROM');
    expect(e.range).toEqual({ start: 2, end: 2 });
    expect(e.message).toMatch(/RUN comes before any FROM/);
    expect(failure('ARG A=1\n').message).toMatch(/no stages to build/);
  });
});
