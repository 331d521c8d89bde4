// The editor's markers for one Dockerfile: parse/plan errors and check findings as 1-based line
// problems. Runs inside a lint worker (lint-worker.ts), never on the web server's event loop.
import { checkDockerfile } from '../engine/checks/index.ts';
import { openContext } from '../engine/build-context/index.ts';
import { EngineError } from '../engine/errors.ts';
import type { BuildContext } from '../engine/build-context/index.ts';
import { WorkspaceError } from './workspace-errors.ts';

/** A problem to mark in the editor: 1-based lines. */
export type Problem = {
  line: number;
  endLine: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** Check rule name, or the engine error code for parse/plan errors. */
  rule: string;
  /** `/lesson/<step>` for lesson-linked checks. */
  lesson?: string;
  url?: string;
};

/** What a lint worker is asked: the text, its file name, and the context as the builder would see it. */
export type LintJob = { text: string; file: string; contextDir?: string; ignoreText?: string | null };

export async function dockerfileProblems(job: LintJob): Promise<Problem[]> {
  const problems: Problem[] = [];
  let context: BuildContext | undefined;
  if (job.contextDir !== undefined) {
    try {
      context = await openContext(job.contextDir, job.ignoreText == null ? {} : { ignoreText: job.ignoreText });
    } catch (err) {
      // A broken .dockerignore is itself worth a marker; the Dockerfile is still checked.
      if (!(err instanceof EngineError || err instanceof WorkspaceError)) throw err;
      problems.push({ line: 1, endLine: 1, severity: 'warning', rule: err.code, message: `Build context: ${err.message}` });
    }
  }
  try {
    const result = await checkDockerfile(job.text, { file: job.file, context });
    if (result.error) {
      const r = result.error.range ?? { start: 1, end: 1 };
      problems.push({ line: r.start, endLine: r.end, severity: 'error', rule: result.error.code, message: result.error.message });
    }
    for (const f of result.findings) {
      problems.push({
        line: f.range.start,
        endLine: f.range.end,
        severity: f.severity,
        rule: f.rule,
        message: f.message,
        lesson: f.lesson,
        ...(f.url ? { url: f.url } : {}),
      });
    }
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    const r = err.range ?? { start: 1, end: 1 };
    problems.push({ line: r.start, endLine: r.end, severity: 'error', rule: err.code, message: err.message });
  }
  return problems.sort((a, b) => a.line - b.line);
}
