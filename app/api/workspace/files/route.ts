// GET /api/workspace/files — the signed-in user's workspace listing (created on first use);
// heavy folders (.git, node_modules, .venv) come as one collapsed entry with their size.
import { listWorkspace } from '@/lib/workspace/workspace-api.ts';
import { respond } from '../_lib/respond.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return respond(req, { write: false, input: 'none' }, (userId) => listWorkspace(userId));
}
