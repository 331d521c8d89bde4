// The one-line form the CLI prints: `Dockerfile:3 RuleName: message (see /lesson/...)`.
import type { Finding } from './index.ts';

export function formatFinding(f: Finding): string {
  return `${f.file}:${f.range.start} ${f.rule}: ${f.message} (see ${f.lesson})`;
}
