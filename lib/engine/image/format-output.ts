// docker's --format for list verbs: a Go template per row, "table TEMPLATE" with a header row
// and aligned columns, or "json" (one JSON object per line).
import { GoTemplate } from './go-template.ts';
import { tabwrite } from './table.ts';

/** Column headers docker prints for {{.Field}} in "table" formats. */
export const HEADERS: Record<string, string> = {
  ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT',
  Size: 'SIZE', CreatedBy: 'CREATED BY', Comment: 'COMMENT', Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE',
  Reclaimable: 'RECLAIMABLE',
};

export function renderFormatted(format: string, rows: object[]): string {
  if (format === 'json') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  const table = /^table\s*/.exec(format);
  const body = table ? format.slice(table[0].length) : format;
  const tpl = new GoTemplate(body.replace(/\\t/g, '\t'));
  const lines = rows.map((r) => tpl.execute(r));
  if (!table) return lines.map((l) => `${l}\n`).join('');
  const header = body.replace(/\\t/g, '\t').replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, f: string) => HEADERS[f] ?? f.toUpperCase());
  return tabwrite([header.split('\t'), ...lines.map((l) => l.split('\t'))]);
}
