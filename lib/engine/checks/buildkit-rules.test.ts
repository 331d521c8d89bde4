// BuildKit's single-file rules: one Dockerfile that triggers each rule and one that does not.
import { describe, expect, it } from 'vitest';
import { checkDockerfile } from './run-checks.ts';
import type { Finding } from './index.ts';

async function findings(text: string, rule: string): Promise<Finding[]> {
  return (await checkDockerfile(text)).findings.filter((f) => f.rule === rule);
}

type Case = { rule: string; bad: string; line: number; message?: RegExp; good: string };

const cases: Case[] = [
  {
    rule: 'JSONArgsRecommended',
    bad: 'FROM alpine:3.20\nENTRYPOINT my-program start\n',
    line: 2,
    message: /JSON arguments recommended for ENTRYPOINT/,
    good: 'FROM alpine:3.20\nENTRYPOINT ["my-program", "start"]\nFROM alpine:3.20 AS b\nSHELL ["/bin/bash", "-c"]\nCMD echo hello\n',
  },
  {
    rule: 'UndefinedVar',
    bad: 'FROM alpine:3.20\nENV PATH=$PAHT:/app/bin\n',
    line: 2,
    message: /Usage of undefined variable '\$PAHT' \(did you mean \$PATH\?\)/,
    good: 'FROM alpine:3.20 AS base\nARG foo\nENV PATH=$PATH:/app/bin X=1\nCOPY $foo .\nRUN echo $NOT_CHECKED_IN_RUN\nFROM base\nWORKDIR /$X\n',
  },
  {
    rule: 'SecretsUsedInArgOrEnv',
    bad: 'FROM alpine:3.20\nARG GITHUB_TOKEN\n',
    line: 2,
    message: /\(ARG "GITHUB_TOKEN"\)/,
    good: 'FROM alpine:3.20\nARG PUBLIC_KEY\nENV MONKEY=banana KEYBOARD=us\n',
  },
  {
    rule: 'FromAsCasing',
    bad: 'FROM alpine:3.20 as build\n',
    line: 1,
    message: /'as' and 'FROM' keywords' casing do not match/,
    good: 'FROM alpine:3.20 AS build\nfrom alpine:3.20 as other\n',
  },
  {
    rule: 'StageNameCasing',
    bad: 'FROM alpine:3.20 AS Builder\n',
    line: 1,
    message: /Stage name 'Builder' should be lowercase/,
    good: 'FROM alpine:3.20 AS builder\n',
  },
  {
    rule: 'DuplicateStageName',
    bad: 'FROM alpine:3.20 AS app\nFROM alpine:3.20 AS APP\n',
    line: 2,
    message: /Duplicate stage name "app"/,
    good: 'FROM alpine:3.20 AS app\nFROM alpine:3.20 AS app2\n',
  },
  {
    rule: 'ReservedStageName',
    bad: 'FROM alpine:3.20 AS scratch\n',
    line: 1,
    good: 'FROM alpine:3.20 AS base\nFROM scratch\n',
  },
  {
    rule: 'WorkdirRelativePath',
    bad: 'FROM alpine:3.20\nWORKDIR app\n',
    line: 2,
    message: /Relative workdir "app"/,
    good: 'FROM alpine:3.20 AS base\nWORKDIR /usr/src\nWORKDIR app\nFROM base\nWORKDIR sub\n',
  },
  {
    rule: 'WorkdirRelativePath', // only the first WORKDIR of a stage is checked
    bad: 'FROM alpine:3.20\nWORKDIR app\nWORKDIR more\n',
    line: 2,
    good: 'FROM alpine:3.20\nWORKDIR /app\nWORKDIR more\n',
  },
  {
    rule: 'MaintainerDeprecated',
    bad: 'FROM alpine:3.20\nMAINTAINER me@example.com\n',
    line: 2,
    good: 'FROM alpine:3.20\nLABEL org.opencontainers.image.authors="me@example.com"\n',
  },
  {
    rule: 'UndefinedArgInFrom',
    bad: 'ARG VERSION=3.20\nFROM alpine:${VERSIO}\n',
    line: 2,
    message: /FROM argument 'VERSIO' is not declared \(did you mean VERSION\?\)/,
    good: 'ARG VERSION=3.20\nFROM alpine:${VERSION}\nFROM --platform=$BUILDPLATFORM alpine:3.20\n',
  },
  {
    rule: 'InvalidDefaultArgInFrom',
    bad: 'ARG TAG\nFROM busybox:${TAG}\n',
    line: 2,
    message: /Default value for ARG busybox:\$\{TAG\} results in empty or invalid base image name/,
    good: 'ARG TAG=latest\nFROM busybox:${TAG}\nARG VARIANT\nFROM busybox:stable${VARIANT}\n',
  },
  {
    rule: 'RedundantTargetPlatform',
    bad: 'FROM --platform=${TARGETPLATFORM} alpine:3.20\n',
    line: 1,
    good: 'FROM --platform=$BUILDPLATFORM alpine:3.20\n',
  },
  {
    rule: 'FromPlatformFlagConstDisallowed',
    bad: 'FROM --platform=linux/amd64 alpine:3.20 AS build\n',
    line: 1,
    message: /should not use constant value "linux\/amd64"/,
    good: 'FROM --platform=linux/amd64 alpine:3.20 AS build-amd64\nFROM --platform=$BUILDPLATFORM alpine:3.20\n',
  },
  {
    rule: 'ConsistentInstructionCasing',
    bad: 'FROM alpine:3.20\nRUN echo a\nrun echo b\nCMD ["sh"]\n',
    line: 3,
    message: /Command 'run' should match the case of the command majority \(uppercase\)/,
    good: 'ARG V=1\nfrom alpine:3.20\nrun echo a\ncmd ["sh"]\n', // meta ARGs are not counted
  },
  {
    rule: 'MultipleInstructionsDisallowed',
    bad: 'FROM alpine:3.20\nCMD ["a"]\nCMD ["b"]\n',
    line: 2,
    message: /Multiple CMD instructions/,
    good: 'FROM alpine:3.20 AS a\nCMD ["a"]\nFROM alpine:3.20\nCMD ["b"]\nENTRYPOINT ["c"]\n',
  },
  {
    rule: 'LegacyKeyValueFormat',
    bad: 'FROM alpine:3.20\nENV DEPS curl git\n',
    line: 2,
    message: /"ENV key=value" should be used instead of legacy "ENV key value" format/,
    good: 'FROM alpine:3.20\nENV DEPS="curl git"\nLABEL a=b c=d\n',
  },
  {
    rule: 'ExposeInvalidFormat',
    bad: 'FROM alpine:3.20\nEXPOSE 127.0.0.1:80:80\n',
    line: 2,
    message: /found '127.0.0.1:80:80'/,
    good: 'FROM alpine:3.20\nEXPOSE 80 443/tcp 53/udp\n',
  },
  {
    rule: 'ExposeProtoCasing',
    bad: 'FROM alpine:3.20\nEXPOSE 80/TcP\n',
    line: 2,
    message: /Defined protocol '80\/TcP' in EXPOSE instruction should be lowercase/,
    good: 'FROM alpine:3.20\nEXPOSE 80/tcp\n',
  },
  {
    rule: 'NoEmptyContinuation',
    bad: 'FROM alpine:3.20\nRUN echo a \\\n\n  && echo b\n',
    line: 4, // BuildKit reports it on the instruction's last line
    good: 'FROM alpine:3.20\nRUN echo a \\\n  && echo b\n',
  },
];

describe('BuildKit rules', () => {
  for (const c of cases) {
    it(`${c.rule}: reports the bad case`, async () => {
      const found = await findings(c.bad, c.rule);
      expect(found.length).toBeGreaterThan(0);
      expect(found[0].range.start).toBe(c.line);
      if (c.message) expect(found[0].message).toMatch(c.message);
      expect(found[0].lesson).toMatch(/^\/lesson\/[a-z-]+$/);
      expect(found[0].explanation.length).toBeGreaterThan(20);
    });
    it(`${c.rule}: stays quiet on the good case`, async () => {
      expect(await findings(c.good, c.rule)).toEqual([]);
    });
  }
});

describe('BuildKit rule details', () => {
  it('WorkdirRelativePath reports only the first WORKDIR of a stage', async () => {
    const found = await findings('FROM alpine:3.20\nWORKDIR app\nWORKDIR more\n', 'WorkdirRelativePath');
    expect(found.map((f) => f.range.start)).toEqual([2]);
  });

  it('MultipleInstructionsDisallowed points at every ignored instruction, not the last', async () => {
    const found = await findings('FROM alpine:3.20\nCMD ["a"]\nCMD ["b"]\nCMD ["c"]\n', 'MultipleInstructionsDisallowed');
    expect(found.map((f) => f.range.start)).toEqual([2, 3]);
  });

  it('JSONArgsRecommended respects a SHELL set in the parent stage', async () => {
    const text = 'FROM alpine:3.20 AS base\nSHELL ["/bin/ash", "-c"]\nFROM base\nCMD echo hi\n';
    expect(await findings(text, 'JSONArgsRecommended')).toEqual([]);
  });

  it('InvalidDefaultArgInFrom also catches an upper-case image name', async () => {
    expect(await findings('FROM Alpine:3.20\n', 'InvalidDefaultArgInFrom')).toHaveLength(1);
  });
});
