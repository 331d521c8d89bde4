// The rule table: name, default severity, lesson step and the one-sentence explanation.
import type { RuleInfo } from './index.ts';

const bk = (slug: string) => `https://docs.docker.com/go/dockerfile/rule/${slug}/`;

export const RULES: RuleInfo[] = [
  // BuildKit rules (docker build --check)
  { name: 'JSONArgsRecommended', severity: 'warning', step: 'parsing-the-dockerfile', origin: 'buildkit', url: bk('json-args-recommended'),
    explanation: 'In shell form your program runs under /bin/sh -c, which does not pass on SIGTERM, so `docker stop` has to kill it after a timeout; write CMD/ENTRYPOINT as a JSON array.' },
  { name: 'UndefinedVar', severity: 'warning', step: 'parsing-the-dockerfile', origin: 'buildkit', url: bk('undefined-var'),
    explanation: 'A variable that no ARG or ENV defined (and that the base image does not set) expands to an empty string, silently changing the instruction.' },
  { name: 'SecretsUsedInArgOrEnv', severity: 'warning', step: 'image-security', origin: 'buildkit', url: bk('secrets-used-in-arg-or-env'),
    explanation: 'ARG and ENV values are stored in the image config and history where anyone who pulls the image can read them; use RUN --mount=type=secret instead.' },
  { name: 'FromAsCasing', severity: 'warning', step: 'multi-stage-builds', origin: 'buildkit', url: bk('from-as-casing'),
    explanation: 'Write the AS keyword in the same case as FROM so the Dockerfile reads consistently.' },
  { name: 'StageNameCasing', severity: 'warning', step: 'multi-stage-builds', origin: 'buildkit', url: bk('stage-name-casing'),
    explanation: 'Stage names are case-insensitive and stored in lowercase, so mixed-case names only mislead readers about which stage COPY --from refers to.' },
  { name: 'DuplicateStageName', severity: 'warning', step: 'multi-stage-builds', origin: 'buildkit', url: bk('duplicate-stage-name'),
    explanation: 'Two stages with the same name make --target and COPY --from ambiguous; give every stage a unique name.' },
  { name: 'ReservedStageName', severity: 'warning', step: 'multi-stage-builds', origin: 'buildkit', url: bk('reserved-stage-name'),
    explanation: '"scratch" and "context" already mean something in FROM and COPY --from, so a stage with that name cannot be referred to.' },
  { name: 'WorkdirRelativePath', severity: 'warning', step: 'parsing-the-dockerfile', origin: 'buildkit', url: bk('workdir-relative-path'),
    explanation: "A relative WORKDIR is resolved against the base image's working directory, which can change when the base image changes; use an absolute path." },
  { name: 'MaintainerDeprecated', severity: 'warning', step: 'parsing-the-dockerfile', origin: 'buildkit', url: bk('maintainer-deprecated'),
    explanation: 'MAINTAINER is deprecated; put the author in a label instead: LABEL org.opencontainers.image.authors="you@example.com".' },
  { name: 'UndefinedArgInFrom', severity: 'warning', step: 'parsing-the-dockerfile', origin: 'buildkit', url: bk('undefined-arg-in-from'),
    explanation: 'FROM can only use ARGs declared before the first FROM; anything else expands to an empty string in the image name.' },
  { name: 'InvalidDefaultArgInFrom', severity: 'warning', step: 'parsing-the-dockerfile', origin: 'buildkit', url: bk('invalid-default-arg-in-from'),
    explanation: 'With no --build-arg given, the ARG default must still produce a valid image name, otherwise the build fails for anyone using defaults.' },
  { name: 'RedundantTargetPlatform', severity: 'warning', step: 'parsing-the-dockerfile', origin: 'buildkit', url: bk('redundant-target-platform'),
    explanation: 'Stages already build for $TARGETPLATFORM by default, so --platform=$TARGETPLATFORM adds nothing.' },
  { name: 'FromPlatformFlagConstDisallowed', severity: 'warning', step: 'parsing-the-dockerfile', origin: 'buildkit', url: bk('from-platform-flag-const-disallowed'),
    explanation: 'A fixed --platform value forces one architecture even in multi-platform builds; use $BUILDPLATFORM or $TARGETPLATFORM, or name the stage after the platform.' },
  { name: 'CopyIgnoredFile', severity: 'warning', step: 'build-context', origin: 'buildkit', url: bk('copy-ignored-file'), needsContext: true,
    explanation: '.dockerignore removes this path from the build context before the builder sees it, so COPY/ADD cannot find it.' },
  { name: 'ConsistentInstructionCasing', severity: 'warning', step: 'parsing-the-dockerfile', origin: 'buildkit', url: bk('consistent-instruction-casing'),
    explanation: 'Instructions are case-insensitive, but mixing cases makes a Dockerfile harder to read; use the same case everywhere (usually uppercase).' },
  { name: 'MultipleInstructionsDisallowed', severity: 'warning', step: 'parsing-the-dockerfile', origin: 'buildkit', url: bk('multiple-instructions-disallowed'),
    explanation: 'Only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage takes effect; the earlier ones are silently ignored.' },
  { name: 'LegacyKeyValueFormat', severity: 'warning', step: 'parsing-the-dockerfile', origin: 'buildkit', url: bk('legacy-key-value-format'),
    explanation: 'The space-separated "ENV key value" form is deprecated and can only set one variable; write key=value.' },
  { name: 'ExposeInvalidFormat', severity: 'warning', step: 'parsing-the-dockerfile', origin: 'buildkit', url: bk('expose-invalid-format'),
    explanation: 'EXPOSE only documents which port the container listens on; host addresses and port mappings belong to `docker run -p`, not the image.' },
  { name: 'ExposeProtoCasing', severity: 'warning', step: 'parsing-the-dockerfile', origin: 'buildkit', url: bk('expose-proto-casing'),
    explanation: 'Write the protocol of an exposed port in lowercase (80/tcp, 53/udp).' },
  { name: 'NoEmptyContinuation', severity: 'warning', step: 'parsing-the-dockerfile', origin: 'buildkit', url: bk('no-empty-continuation'),
    explanation: 'An empty line inside a continued instruction is ignored today but will become an error; remove it.' },
  // The lesson's advice
  { name: 'CopyAllBeforeDependencyInstall', severity: 'warning', step: 'build-cache', origin: 'lesson',
    explanation: 'Copying the whole source before installing dependencies means any code change invalidates the cached install layer; copy the manifest (package.json, requirements.txt...) first, install, then copy the rest.' },
  { name: 'RunsAsRoot', severity: 'warning', step: 'image-security', origin: 'lesson',
    explanation: 'Without a non-root USER at the end of the final stage the container runs as root, so a compromised process has root inside the container.' },
  { name: 'UnpinnedBaseImage', severity: 'warning', step: 'registries', origin: 'lesson',
    explanation: 'A missing tag or :latest is a moving pointer: the same Dockerfile can build on a different base tomorrow; pin a version tag, or a digest (@sha256:...) for full reproducibility.' },
  { name: 'SecretInImage', severity: 'error', step: 'image-security', origin: 'lesson',
    explanation: 'Anything written into a layer or the image config stays readable by everyone who pulls the image, even if a later step deletes it.' },
  { name: 'MissingDockerignore', severity: 'warning', step: 'build-context', origin: 'lesson', needsContext: true,
    explanation: 'Without a .dockerignore the whole directory (.git, node_modules, .env...) is sent to the builder and COPY . copies it into the image.' },
  { name: 'AptWithoutCleanup', severity: 'warning', step: 'building-layers', origin: 'lesson',
    explanation: 'apt-get install leaves package lists in /var/lib/apt/lists; unless the same RUN removes them they stay in that layer forever and bloat the image.' },
];

const byName = new Map(RULES.map((r) => [r.name.toLowerCase(), r]));

export function ruleInfo(name: string): RuleInfo | undefined {
  return byName.get(name.toLowerCase());
}
