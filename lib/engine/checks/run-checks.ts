// Runs every rule over a Dockerfile and applies the `# check=` directive.
import { createBuildPlan, parseDockerfile, type BuildPlan } from '../dockerfile/index.ts';
import { EngineError } from '../errors.ts';
import type { SourceRange } from '../errors.ts';
import type { BuildContext } from '../build-context/index.ts';
import type { CheckOptions, CheckResult, Finding, Severity } from './index.ts';
import { ruleInfo } from './rules.ts';
import { parseCheckDirective } from './check-directive.ts';
import { buildView, type DockerfileView } from './dockerfile-view.ts';
import * as syntax from './syntax-rules.ts';
import * as vars from './variable-rules.ts';
import * as advice from './advice-rules.ts';
import * as contextRules from './context-rules.ts';

/** What a rule returns; severity, explanation and link are filled in from the rule table. */
export type RawFinding = { rule: string; range: SourceRange; message: string; severity?: Severity };
export type RuleOptions = { context?: BuildContext; target?: string; plan?: BuildPlan };
type RuleFn = (view: DockerfileView, opts: RuleOptions) => RawFinding[] | Promise<RawFinding[]>;

const RULE_FUNCTIONS: RuleFn[] = [
  syntax.parserWarnings,
  syntax.consistentInstructionCasing,
  syntax.fromAsCasing,
  syntax.stageNames,
  syntax.jsonArgsRecommended,
  syntax.multipleInstructions,
  syntax.legacyKeyValue,
  syntax.maintainerDeprecated,
  syntax.exposeFormat,
  vars.undefinedArgInFrom,
  vars.invalidDefaultArgInFrom,
  vars.redundantTargetPlatform,
  vars.fromPlatformFlagConst,
  vars.secretsUsedInArgOrEnv,
  vars.workdirRelativePath,
  vars.undefinedVar,
  advice.copyAllBeforeInstall,
  advice.runsAsRoot,
  advice.unpinnedBaseImage,
  advice.secretInImage,
  advice.aptWithoutCleanup,
  contextRules.copyIgnoredFile,
  contextRules.missingDockerignore,
];

export async function checkDockerfile(text: string | Uint8Array, opts: CheckOptions = {}): Promise<CheckResult> {
  const file = opts.file ?? 'Dockerfile';
  const parse = parseDockerfile(text, { file });
  const directive = parseCheckDirective(parse.directives);
  const view = buildView(parse, file);
  // The build plan (stages resolved, variables expanded) feeds UndefinedVar. When it cannot be
  // made the build would fail: report that like BuildKit's lint does, next to the findings.
  let plan: BuildPlan | undefined;
  let error: CheckResult['error'];
  try {
    plan = createBuildPlan(parse, { file, target: opts.target });
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    error = { code: err.code, message: err.message, ...(err.range ? { range: err.range } : {}) };
  }
  const ruleOpts: RuleOptions = { context: opts.context, target: opts.target, plan };

  const raw: RawFinding[] = [];
  for (const fn of RULE_FUNCTIONS) raw.push(...(await fn(view, ruleOpts)));

  const skipped = new Set<string>();
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const r of raw) {
    if (directive.skipAll || directive.skip.has(r.rule.toLowerCase())) {
      skipped.add(r.rule);
      continue;
    }
    const key = `${r.rule}\0${r.range.start}\0${r.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const info = ruleInfo(r.rule);
    findings.push({
      rule: r.rule,
      severity: r.severity ?? info?.severity ?? 'warning',
      range: r.range,
      message: r.message,
      explanation: info?.explanation ?? r.message,
      lesson: `/lesson/${info?.step ?? 'parsing-the-dockerfile'}`,
      ...(info?.url ? { url: info.url } : {}),
      file,
    });
  }
  findings.sort((a, b) => a.range.start - b.range.start || a.rule.localeCompare(b.rule));
  const failed = error !== undefined || findings.some((f) => f.severity === 'error') || (directive.error && findings.length > 0);
  return { findings, skipped: [...skipped].sort(), errorOnAny: directive.error, failed, ...(error ? { error } : {}) };
}
