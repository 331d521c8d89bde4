// Classroom refusals as JSON responses for route handlers: the code's status from
// CLASSROOM_STATUS with its message; anything else a 500 without details (logged).
import { CLASSROOM_STATUS, isClassroomError } from './classroom.ts';

export function classroomError(err: unknown): Response {
  if (isClassroomError(err)) return Response.json({ error: err.message, code: err.code }, { status: CLASSROOM_STATUS[err.code] });
  console.error(err);
  return Response.json({ error: 'Something went wrong on the server.' }, { status: 500 });
}
