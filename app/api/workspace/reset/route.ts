// POST /api/workspace/reset — puts the starter files back (same-origin; the page asks first).
import { resetUserWorkspace } from '@/lib/workspace/workspace-api.ts';
import { respond } from '../_lib/respond.ts';

export const dynamic = 'force-dynamic';

export function POST(req: Request) {
  return respond(req, { write: true, input: 'none' }, (userId) => resetUserWorkspace(userId));
}
