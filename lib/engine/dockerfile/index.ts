/**
 * The Dockerfile frontend: text -> syntax tree -> typed instructions -> stages -> build plan.
 *
 * This folder does, in TypeScript, what BuildKit's `frontend/dockerfile` packages do before
 * anything is executed. It follows BuildKit's rules exactly (the corpora in testdata/buildkit
 * are BuildKit's own test files and pass in full), because a student comparing our output with
 * `docker build` must never see the two disagree about what a Dockerfile means.
 *
 * Terms
 *   logical line   One instruction after line continuations are joined. `RUN a \` + `  b` is
 *                  one logical line spanning two physical lines; comments inside it are dropped.
 *   escape token   `\` by default, or `` ` `` with `# escape=``. It escapes characters and, as
 *                  the last non-blank character of a line, continues the line.
 *   directive      `# syntax=`, `# escape=`, `# check=`: comment lines at the very top only.
 *                  The first line that is not a directive (even an empty one) ends them.
 *   syntax tree    One InstructionNode per logical line: keyword as written, raw flags
 *                  (`--from=x`, not validated yet), arguments split by the keyword's own rule
 *                  (JSON array, whitespace list, key/value triples, single string...). This is
 *                  BuildKit's `parser.Node`; `dumpTree` prints it in BuildKit's test format.
 *   heredoc        `<<EOF` ... `EOF` after RUN/COPY/ADD (not in JSON form). The body lines
 *                  follow the instruction line and belong to it (its endLine covers them).
 *                  `<<-` strips leading tabs; a quoted delimiter (`<<'EOF'`) disables expansion.
 *   instruction    A typed command made from a node (BuildKit's `instructions` package): flags
 *                  are checked against the keyword's allowed set, argument counts are checked,
 *                  JSON vs shell form is resolved. Values are still unexpanded here.
 *   stage          Everything from one FROM up to the next. Named with `AS name` (names are
 *                  case-insensitive and stored lower-case); also addressable by index.
 *   meta ARG       An ARG before the first FROM. Visible only to FROM lines (image name and
 *                  --platform); a stage sees it only after re-declaring `ARG NAME` without value.
 *   expansion      `$VAR`/`${VAR...}` replacement with BuildKit's shell lexer (shell-lexer.ts).
 *                  It happens per instruction, against the environment as it is just before
 *                  that instruction: base image env + ENV + ARG values so far. RUN is not
 *                  expanded (the shell does it), except its --mount values.
 *   build plan     Stages with resolved bases and dependencies (FROM stage, COPY --from,
 *                  RUN --mount from=), the target stage, and which stages the target needs;
 *                  the rest are pruned, exactly like BuildKit skips unreachable stages.
 *
 * Lifecycle
 *   parseDockerfile(text)            -> ParseResult      (syntax errors: EngineError with line)
 *   parseInstructions(result)        -> ParsedDockerfile (meta ARGs + stages, typed)
 *   createBuildPlan(text|result, o)  -> BuildPlan        (target, graph, pruning, expansion
 *                                                          with an empty base-image env)
 *   expandStage(plan, i, baseEnv)    -> ExpandedStage    (what the builder calls once it knows
 *                                                          the base image's config env)
 *
 * Every error is an EngineError (lib/engine/errors.ts) with a code and the 1-based line range
 * of the instruction it is about; messages use BuildKit's wording where BuildKit has one.
 */
import type { SourceRange } from '../errors.ts';

export type { SourceRange };

// ---------------------------------------------------------------------------------------------
// Syntax tree (parser.ts)

/** A heredoc attached to a RUN/COPY/ADD instruction. */
export interface Heredoc {
  /** The delimiter word with quotes removed (`EOF` for `<<'EOF'`). */
  name: string;
  /** `3<<EOF` -> 3; 0 when no descriptor was written. */
  fileDescriptor: number;
  /** False when any part of the delimiter was quoted: the body is then taken literally. */
  expand: boolean;
  /** `<<-`: leading tabs are stripped from the body (and from the terminator line). */
  chomp: boolean;
  /** The body exactly as written, each line with its newline, tabs not yet stripped. */
  content: string;
}

/** One logical line of the Dockerfile (BuildKit's parser.Node for an instruction). */
export interface InstructionNode {
  /** The instruction keyword as written (`RUN`, `copy`...). Compare lower-cased. */
  keyword: string;
  /** Flags before the arguments, raw (`--from=build`, `--link`). Validated later. */
  flags: string[];
  /**
   * The arguments, split by the keyword's rule. ENV and LABEL give triples
   * (key, value, separator) with separator "=" or "" for the legacy `ENV key value` form.
   * Empty for ONBUILD (see `sub`); one empty string for unknown keywords (as BuildKit does).
   */
  args: string[];
  /** ONBUILD: the trigger instruction, parsed as a node of its own. */
  sub?: InstructionNode;
  /** Arguments were written as a JSON array (exec form). */
  json: boolean;
  heredocs: Heredoc[];
  /** The logical line (continuations joined) as BuildKit keeps it. */
  original: string;
  /** Comment lines directly above the instruction (without `#`). */
  comments: string[];
  /** First physical line (1-based). */
  startLine: number;
  /** Last physical line, including continuation and heredoc body lines. */
  endLine: number;
}

export interface SyntaxTree {
  children: InstructionNode[];
  startLine: number;
  endLine: number;
}

export type DirectiveName = 'syntax' | 'escape' | 'check';

export interface Directive {
  name: DirectiveName;
  value: string;
  line: number;
}

export interface ParseWarning {
  /** Short text, BuildKit's wording ("Empty continuation line found in: RUN ..."). */
  message: string;
  /** BuildKit's rule name for the warning (e.g. NoEmptyContinuation). */
  rule: string;
  url?: string;
  range: SourceRange;
}

export interface ParseResult {
  ast: SyntaxTree;
  directives: Directive[];
  escapeToken: '\\' | '`';
  warnings: ParseWarning[];
  /** Name of the file the text came from (for error messages), if known. */
  file?: string;
}

export interface ParseOptions {
  /** Used in error messages ("Dockerfile:3: ..."). */
  file?: string;
}

// ---------------------------------------------------------------------------------------------
// Typed instructions (instructions.ts)

export type InstructionKind =
  | 'FROM' | 'RUN' | 'CMD' | 'ENTRYPOINT' | 'SHELL' | 'ENV' | 'LABEL' | 'ARG' | 'COPY' | 'ADD'
  | 'WORKDIR' | 'USER' | 'VOLUME' | 'EXPOSE' | 'STOPSIGNAL' | 'HEALTHCHECK' | 'MAINTAINER'
  | 'ONBUILD';

interface InstructionBase {
  /** Lines of the instruction (continuations and heredoc bodies included). */
  range: SourceRange;
  /** The keyword as written, e.g. `run` (useful for casing checks). */
  keyword: string;
  /** The logical source line. */
  original: string;
  /** Raw flags as written. */
  flags: string[];
  comments: string[];
}

export interface KeyValue {
  key: string;
  value: string;
  /** Written in the legacy `ENV key value` form (no `=`); BuildKit's LegacyKeyValueFormat. */
  noDelimiter?: boolean;
}

/** `ARG name` has no value; `ARG name=` has the empty string. */
export interface ArgDefinition {
  key: string;
  value?: string;
  /** Text of a comment line above the ARG that starts with the arg name (BuildKit's doc comment). */
  comment?: string;
}

/** A heredoc used as a COPY/ADD source: a file whose content is written in the Dockerfile. */
export interface SourceContent {
  /** The heredoc name, used as the file name. */
  path: string;
  /** Body with tabs already stripped for `<<-`. */
  data: string;
  /** Whether `$VAR`s in the body are expanded (delimiter not quoted). */
  expand: boolean;
}

/** A heredoc body used by RUN/CMD/ENTRYPOINT: a script file fed to the shell. */
export interface ShellInlineFile {
  name: string;
  data: string;
  chomp: boolean;
}

export type MountType = 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';

/** One `RUN --mount=...` (values unexpanded in Instruction, expanded in ExpandedStage). */
export interface RunMount {
  type: MountType;
  /** Where it appears inside the container (required except for secret/ssh). */
  target?: string;
  /** Path inside `from` (bind, cache) or source file. */
  source?: string;
  /** Stage name/index or image the mount reads from (bind, cache). */
  from?: string;
  readOnly: boolean;
  /** cache: id, sharing (shared|private|locked); secret/ssh: id, required... */
  id?: string;
  sharing?: 'shared' | 'private' | 'locked';
  required?: boolean;
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  env?: string;
  /** The raw flag value, e.g. `type=cache,target=/root/.cache`. */
  raw: string;
}

export type NetworkMode = 'default' | 'none' | 'host';
export type SecurityMode = 'sandbox' | 'insecure';

export interface FromInstruction extends InstructionBase {
  kind: 'FROM';
  /** Image reference or stage name, unexpanded (`golang:${GO_VERSION}`). */
  image: string;
  /** `AS name`, lower-cased. */
  stageName?: string;
  /** `--platform=...`, unexpanded. */
  platform?: string;
}

interface CommandLine {
  /** Exec form: the JSON array; shell form: one element, the command text. */
  command: string[];
  /** True for shell form (the SHELL is prepended at run time). */
  shellForm: boolean;
  /** Heredoc bodies (RUN only in practice). */
  files: ShellInlineFile[];
}

export interface RunInstruction extends InstructionBase, CommandLine {
  kind: 'RUN';
  mounts: RunMount[];
  network?: NetworkMode;
  security?: SecurityMode;
}

export interface CmdInstruction extends InstructionBase, CommandLine {
  kind: 'CMD';
}

export interface EntrypointInstruction extends InstructionBase, CommandLine {
  kind: 'ENTRYPOINT';
}

export interface ShellInstruction extends InstructionBase {
  kind: 'SHELL';
  shell: string[];
}

export interface EnvInstruction extends InstructionBase {
  kind: 'ENV';
  pairs: KeyValue[];
}

export interface LabelInstruction extends InstructionBase {
  kind: 'LABEL';
  pairs: KeyValue[];
}

export interface ArgInstruction extends InstructionBase {
  kind: 'ARG';
  args: ArgDefinition[];
}

interface SourcesAndDest {
  /** Paths (or URLs for ADD) to copy, unexpanded; heredoc sources are in `contents`. */
  sources: string[];
  contents: SourceContent[];
  dest: string;
}

export interface CopyInstruction extends InstructionBase, SourcesAndDest {
  kind: 'COPY';
  /** `--from`: a stage name, a stage index, or an image reference. */
  from?: string;
  chown?: string;
  chmod?: string;
  link: boolean;
  parents: boolean;
  excludes: string[];
}

export interface AddInstruction extends InstructionBase, SourcesAndDest {
  kind: 'ADD';
  chown?: string;
  chmod?: string;
  link: boolean;
  keepGitDir: boolean;
  checksum?: string;
  excludes: string[];
  /** `--unpack[=bool]`; undefined when the flag is absent. */
  unpack?: boolean;
}

export interface WorkdirInstruction extends InstructionBase {
  kind: 'WORKDIR';
  path: string;
}

export interface UserInstruction extends InstructionBase {
  kind: 'USER';
  user: string;
}

export interface VolumeInstruction extends InstructionBase {
  kind: 'VOLUME';
  volumes: string[];
}

export interface ExposeInstruction extends InstructionBase {
  kind: 'EXPOSE';
  ports: string[];
}

export interface StopSignalInstruction extends InstructionBase {
  kind: 'STOPSIGNAL';
  signal: string;
}

/** Durations are in milliseconds; 0 means "not set" (the runtime default applies). */
export type HealthConfig =
  | { type: 'NONE' }
  | {
      type: 'CMD';
      /** Docker's Test array: ['CMD', ...argv] (exec form) or ['CMD-SHELL', 'cmd text']. */
      test: string[];
      intervalMs: number;
      timeoutMs: number;
      startPeriodMs: number;
      startIntervalMs: number;
      retries: number;
    };

export interface HealthcheckInstruction extends InstructionBase {
  kind: 'HEALTHCHECK';
  health: HealthConfig;
}

export interface MaintainerInstruction extends InstructionBase {
  kind: 'MAINTAINER';
  maintainer: string;
}

export interface OnbuildInstruction extends InstructionBase {
  kind: 'ONBUILD';
  /** The trigger as text (heredoc bodies appended), like BuildKit stores it in the image. */
  expression: string;
  /** The trigger parsed as an instruction (not FROM, MAINTAINER or ONBUILD). */
  trigger: Instruction;
}

export type Instruction =
  | FromInstruction | RunInstruction | CmdInstruction | EntrypointInstruction | ShellInstruction
  | EnvInstruction | LabelInstruction | ArgInstruction | CopyInstruction | AddInstruction
  | WorkdirInstruction | UserInstruction | VolumeInstruction | ExposeInstruction
  | StopSignalInstruction | HealthcheckInstruction | MaintainerInstruction | OnbuildInstruction;

/** Everything after a FROM up to the next FROM. */
export interface ParsedStage {
  index: number;
  /** Lower-cased `AS` name, if any. */
  name?: string;
  from: FromInstruction;
  instructions: Instruction[];
  /** From the FROM line to the last line of the stage. */
  range: SourceRange;
}

export interface ParsedDockerfile {
  parse: ParseResult;
  /** ARG instructions before the first FROM. */
  metaArgs: ArgInstruction[];
  stages: ParsedStage[];
}

// ---------------------------------------------------------------------------------------------
// Build plan (build-plan.ts, stage-graph.ts, stage-expander.ts)

export type Platform = { os: string; architecture: string; variant?: string };

export interface BuildPlanOptions {
  /** `--target`: stage name (case-insensitive). Default: the last stage. */
  target?: string;
  /** `--build-arg KEY=VALUE` values. */
  buildArgs?: Record<string, string>;
  /** Platform of the machine doing the build (BUILDPLATFORM...). Default: this machine. */
  buildPlatform?: Platform;
  /** Platform of the image being built (TARGETPLATFORM...). Default: buildPlatform. */
  targetPlatform?: Platform;
  file?: string;
}

export type StageBase =
  | { kind: 'scratch' }
  /** `FROM name` where name is an earlier stage. */
  | { kind: 'stage'; index: number }
  /** `ref` as written (after ARG expansion); `normalized` like `docker.io/library/alpine:latest`. */
  | { kind: 'image'; ref: string; normalized: string };

export type DependencyKind = 'from' | 'copy-from' | 'mount-from';

export interface StageDependency {
  /** Stage index the dependency points at. */
  stage: number;
  kind: DependencyKind;
  /** Line of the instruction that creates the dependency. */
  line: number;
}

/** An image used by COPY --from=image or RUN --mount from=image (not a stage). */
export interface ExternalImageUse {
  ref: string;
  /** Fully qualified reference (`docker.io/library/nginx:latest`). */
  normalized: string;
  kind: DependencyKind;
  line: number;
}

/** One instruction after expansion, with what the expansion used. */
export interface ExpandedStep {
  /** The instruction with every expandable value replaced (RUN: only mount values). */
  instruction: Instruction;
  /** Variables that were found while expanding this instruction. */
  usedVars: string[];
  /**
   * Variables referenced but not set and not declared by an ARG in scope — what BuildKit's
   * UndefinedVar check reports.
   */
  undefinedVars: string[];
  /** The environment (ENV + ARG values) after this instruction, as `KEY=value` pairs in order. */
  env: string[];
}

export interface ExpandedStage {
  index: number;
  /** One per instruction: the stage's ONBUILD triggers first (see Stage), then its own. */
  steps: ExpandedStep[];
  /** Image config env at the end of the stage (ENV only, no ARG values). */
  imageEnv: string[];
  /** Build-time env at the end of the stage (ENV and ARG values): what RUN sees. */
  stateEnv: string[];
  /** ARG keys declared in the stage (and inherited from a parent stage). */
  declaredArgs: string[];
}

export interface Stage extends ParsedStage {
  /** The FROM image after expansion with meta ARGs (e.g. `golang:1.22`). */
  baseName: string;
  base: StageBase;
  /** `--platform` after expansion. */
  platform?: string;
  /**
   * For `FROM <earlier stage>`: that stage's ONBUILD triggers, which run first in this stage
   * (their ranges point at the ONBUILD lines). Empty otherwise; triggers from a base *image*
   * are in its config and are the builder's to run.
   */
  onbuildTriggers: Instruction[];
  /** Variables the FROM line (image and --platform) used, and those it used while unset. */
  fromVars: { used: string[]; undefined: string[] };
  dependsOn: StageDependency[];
  images: ExternalImageUse[];
  /** Expansion with an empty base-image env (stage parents' env is inherited). */
  expanded: ExpandedStage;
}

export interface BuildPlan {
  parse: ParseResult;
  metaArgs: ArgInstruction[];
  /** Meta ARGs + predefined platform args after --build-arg overrides: what FROM lines see. */
  globalArgs: Record<string, string>;
  stages: Stage[];
  /** Index of the target stage. */
  target: number;
  /** Stages the target needs, dependencies first, target last. */
  needed: number[];
  /** Stages not needed for the target: BuildKit never builds them. */
  pruned: number[];
  /** The --build-arg values the plan was made with. */
  buildArgs: Record<string, string>;
  /**
   * Proxy build args (HTTP_PROXY, https_proxy, NO_PROXY...): BuildKit gives them to every RUN as
   * environment without an ARG and keeps them out of the image history; not visible to expansion
   * unless declared with ARG.
   */
  proxyEnv: Record<string, string>;
  /** --build-arg keys that no ARG consumed (BuildKit warns about them). */
  unusedBuildArgs: string[];
}

export interface ExpandStageOptions {
  /** The base image's config env (`KEY=value`), for stages FROM an image. */
  baseEnv?: string[];
  /** For a stage FROM another stage: that stage's expansion (default: the plan's). */
  parent?: ExpandedStage;
}

export { parseDockerfile, dumpTree, dumpNode } from './parser.ts';
export { parseInstructions, parseInstructionNode } from './instructions.ts';
export { createBuildPlan, DEFAULT_PATH_ENV } from './build-plan.ts';
export { expandStage } from './stage-expander.ts';
export { ShellLexer, type LexerOptions, type ExpansionResult } from './shell-lexer.ts';
export { parseImageRef, type ImageRef } from './image-ref.ts';
