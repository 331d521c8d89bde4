// One workspace file of the signed-in user:
//   GET    ?path=app.py                        -> { path, content, size, mtimeMs }  (text, <= 1 MiB)
//   PUT    { path, content, expectMtimeMs? }   -> saves atomically; 409 if changed on disk since
//   POST   { path, content? }                  -> creates (folders too); 409 if it exists
//   DELETE ?path=notes.txt                     -> deletes a file (not a folder)
import { createWorkspaceFile, deleteWorkspaceFile, readWorkspaceFile, writeWorkspaceFile } from '@/lib/workspace/workspace-api.ts';
import { respond } from '../_lib/respond.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return respond(req, { write: false, input: 'query' }, (userId, input) => readWorkspaceFile(userId, input));
}

export function PUT(req: Request) {
  return respond(req, { write: true, input: 'json' }, (userId, input) => writeWorkspaceFile(userId, input));
}

export function POST(req: Request) {
  return respond(req, { write: true, input: 'json' }, (userId, input) => createWorkspaceFile(userId, input));
}

export function DELETE(req: Request) {
  return respond(req, { write: true, input: 'query' }, (userId, input) => deleteWorkspaceFile(userId, input));
}
