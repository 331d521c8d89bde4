// Gradebook export as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line break
// quoted, quotes doubled). Text that a spreadsheet would run as a formula — a cell starting with
// = + - @, a tab, a carriage return or NUL (OWASP "CSV Injection"; ASVS 5.0 1.2.10) — gets a leading
// single quote, so an email like "=HYPERLINK(...)@x.org" or a class named "@SUM(A1)" stays text.
// Numbers we compute are written as they are.
import { STATUS_LABEL } from './classroom.ts';
import type { Gradebook } from './gradebook.ts';

const FORMULA_START = /^[=+\-@\t\r\0]/;

export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  let s = v;
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== v ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(cells: (string | number | boolean | null | undefined)[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : '');

export const LONG_HEADER = [
  'class', 'student_email', 'student_username', 'joined_at', 'assignment', 'kind', 'opens_at', 'due_at', 'status', 'late',
  'points_earned', 'points_possible', 'best_result', 'attempts', 'last_activity_at', 'completed_at', 'solution_views',
  'solution_first_viewed_at', 'solution_before_pass', 'comments',
];

/** One row per student × assignment ("long" form: filters and pivot tables take it as it is). */
export function gradebookCsv(g: Gradebook): string {
  let out = '\uFEFF' + csvRow(LONG_HEADER);
  for (const s of g.students) {
    for (const a of g.assignments) {
      const c = g.cells.get(s.id)?.get(a.id);
      if (!c) continue;
      out += csvRow([
        g.cls.name, s.email, s.username, iso(s.joinedAt), a.title, a.kind, iso(a.opensAt), iso(a.dueAt), STATUS_LABEL[c.status], c.late,
        c.score, a.points, c.best, c.attempts, iso(c.lastActivityAt), iso(c.completedAt), c.solution?.count ?? 0,
        iso(c.solution?.first), c.solutionBeforePass, c.comments,
      ]);
    }
  }
  return out;
}

/** One row per student, a points column per assignment and the total (for a grading sheet). */
export function gradebookWideCsv(g: Gradebook): string {
  let out = '\uFEFF' + csvRow(['student_email', 'student_username', ...g.assignments.map((a) => a.title), 'total', 'possible']);
  for (const s of g.students) {
    const t = g.totals.get(s.id);
    out += csvRow([s.email, s.username, ...g.assignments.map((a) => g.cells.get(s.id)?.get(a.id)?.score ?? 0), t?.earned ?? 0, t?.possible ?? 0]);
  }
  return out;
}

/** A file name for the download: the class name reduced to safe characters. */
export function csvFileName(className: string, wide = false): string {
  const base = className.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'class';
  return `gradebook-${base}${wide ? '-points' : ''}.csv`;
}
