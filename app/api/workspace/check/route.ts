// POST /api/workspace/check { text, path? } — parser errors and check findings for the
// Dockerfile text in the editor, with 1-based lines, for the editor's markers. Changes nothing,
// but is a POST with a body, so it gets the same-origin check like the writes.
import { checkWorkspaceDockerfile } from '@/lib/workspace/workspace-api.ts';
import { respond } from '../_lib/respond.ts';

export const dynamic = 'force-dynamic';

export function POST(req: Request) {
  return respond(req, { write: true, input: 'json' }, (userId, input) => checkWorkspaceDockerfile(userId, input));
}
