/**
 * Dockerfile checks, like `docker build --check`: rules that read a Dockerfile (and, when
 * given, its build context) and report findings without building anything.
 *
 * Terms
 *   rule       A named check. Two families:
 *                - BuildKit's own rules that apply to a single file (JSONArgsRecommended,
 *                  UndefinedVar, FromAsCasing, ...), same names and wording as BuildKit so a
 *                  student sees the same thing `docker build --check` prints;
 *                - the lesson's advice (CopyAllBeforeDependencyInstall, RunsAsRoot,
 *                  UnpinnedBaseImage, SecretInImage, MissingDockerignore, AptWithoutCleanup).
 *   finding    One problem: rule name, severity, the Dockerfile line range, a message about
 *              this line, a one-sentence explanation of why it matters, and a link to the
 *              lesson step that explains the mechanism (`/lesson/<step-slug>`).
 *   severity   error | warning | info. BuildKit's rules are warnings; a finding with
 *              severity "error" fails `lab dockerfile check` (exit 1).
 *   directive  `# check=skip=RuleA,RuleB` skips rules (`skip=all` skips every rule);
 *              `# check=error=true` turns every finding into a failure, like BuildKit.
 *
 * Lifecycle
 *   checkDockerfile(text, { file, context }) parses the text with the Dockerfile frontend
 *   (lib/engine/dockerfile: syntax tree, shell lexer, build plan), runs every rule over a
 *   read-only view of it (dockerfile-view.ts), drops skipped rules, sorts findings by line
 *   and reports whether the result fails. If the Dockerfile parses but cannot be turned into
 *   a build plan (unknown stage, bad flag...), that error is returned next to the findings,
 *   as BuildKit's lint does. Rules that need the context (CopyIgnoredFile,
 *   MissingDockerignore, the ".env in COPY ." part of SecretInImage) run only when a
 *   BuildContext is passed. A Dockerfile that does not parse at all is not checked: the
 *   syntax error (an EngineError with its line) is thrown instead.
 */
import type { SourceRange } from '../errors.ts';
import type { BuildContext } from '../build-context/index.ts';

export type Severity = 'error' | 'warning' | 'info';

export type LessonStep =
  | 'build-context'
  | 'parsing-the-dockerfile'
  | 'building-layers'
  | 'build-cache'
  | 'union-filesystem'
  | 'multi-stage-builds'
  | 'registries'
  | 'image-security';

export type RuleInfo = {
  name: string;
  severity: Severity;
  /** Lesson step slug the finding links to. */
  step: LessonStep;
  /** One sentence a student understands: why this matters. */
  explanation: string;
  /** BuildKit's documentation page for BuildKit rules. */
  url?: string;
  /** 'buildkit' rules mirror `docker build --check`; 'lesson' rules are our advice. */
  origin: 'buildkit' | 'lesson';
  /** Needs the build context to run. */
  needsContext?: boolean;
};

export type Finding = {
  rule: string;
  severity: Severity;
  range: SourceRange;
  /** What is wrong on this line (BuildKit's wording for BuildKit rules). */
  message: string;
  explanation: string;
  /** `/lesson/<step-slug>` */
  lesson: string;
  url?: string;
  file: string;
};

export type CheckOptions = {
  /** Dockerfile name used in messages (default "Dockerfile"). */
  file?: string;
  /** The build context, for the rules that need it. */
  context?: BuildContext;
  /** `--target`: the stage whose end decides RunsAsRoot (default: the last stage). */
  target?: string;
};

export type CheckResult = {
  findings: Finding[];
  /** Rules skipped by `# check=skip=...`. */
  skipped: string[];
  /** `# check=error=true` was set. */
  errorOnAny: boolean;
  /**
   * The Dockerfile parses but cannot be built (unknown stage, bad flag, missing FROM...):
   * the error BuildKit would stop with. The findings are still reported.
   */
  error?: { code: string; message: string; range?: SourceRange };
  /** True when the check should fail: a build error, an error-severity finding, or any finding with error=true. */
  failed: boolean;
};

export { checkDockerfile } from './run-checks.ts';
export { RULES, ruleInfo } from './rules.ts';
export { parseCheckDirective } from './check-directive.ts';
export { formatFinding } from './format.ts';
