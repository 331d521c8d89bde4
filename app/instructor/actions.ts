'use server';
// The instructor's server actions. Next checks the Origin of every server action (CSRF); each
// action signs the user in, parses the form, and calls a lib/classroom service with the user as
// the actor — the service decides whether they teach the class (NOT_FOUND otherwise).
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/auth/current-user.ts';
import { ClassroomError, isClassroomError, type Actor } from '@/lib/classroom/classroom.ts';
import { addInstructor, createClass, disableJoinCode, regenerateJoinCode, removeInstructor, renameClass, setArchived } from '@/lib/classroom/classes.ts';
import { createAssignment, deleteAssignment, updateAssignment, type AssignmentInput } from '@/lib/classroom/assignments.ts';
import { removeStudent } from '@/lib/classroom/enrollment.ts';
import { addComment, deleteComment } from '@/lib/classroom/comments.ts';
import { siteCatalog } from '@/lib/classroom/catalog.ts';
import type { ActionState } from '@/components/classroom/ActionForm.tsx';

const str = (form: FormData, name: string, max = 200): string => {
  const v = form.get(name);
  return typeof v === 'string' ? v.slice(0, max) : '';
};

/** An instant from DateTimeField: the ISO value, else the no-script local value read as UTC; empty = none. */
function formDate(form: FormData, name: string): Date | null {
  const iso = str(form, name, 40).trim();
  const local = str(form, `${name}Local`, 40).trim();
  if (!iso && !local) return null;
  const d = iso ? new Date(iso) : new Date(`${local}Z`);
  if (Number.isNaN(d.getTime())) throw new ClassroomError('INVALID_INPUT', 'Enter the date and time as shown in the field, e.g. 2030-01-31 17:00.');
  return d;
}

function formInt(form: FormData, name: string, what: string): number | undefined {
  const s = str(form, name, 20).trim();
  if (!s) return undefined;
  if (!/^-?\d+$/.test(s)) throw new ClassroomError('INVALID_INPUT', `${what} must be a whole number.`);
  return Number(s);
}

/**
 * Runs a service call for the signed-in user on the class named by the form; classroom refusals
 * become the form's error, a returned string its notice. The class's pages are refreshed.
 */
async function act(form: FormData, fn: (actor: Actor) => Promise<string | void>): Promise<ActionState> {
  const classPath = `/instructor/classes/${encodeURIComponent(classId(form))}`;
  const user = await requireUser(classPath);
  let state: ActionState = {};
  try {
    const notice = await fn(user);
    if (notice) state = { notice };
  } catch (err) {
    if (!isClassroomError(err)) throw err;
    state = { error: err.message };
  }
  revalidatePath('/instructor');
  revalidatePath(classPath, 'layout');
  return state;
}

const classId = (form: FormData) => str(form, 'classId', 64);

export async function createClassAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let id = '';
  const state = await act(form, async (actor) => {
    id = (await createClass(db(), actor, form.get('name'))).id;
  });
  if (state.error) return state;
  redirect(`/instructor/classes/${id}/assignments`);
}

export async function renameClassAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return act(form, async (actor) => {
    const c = await renameClass(db(), actor, classId(form), form.get('name'));
    return `Renamed to “${c.name}”.`;
  });
}

export async function archiveClassAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const archived = str(form, 'archived') === 'true';
  return act(form, async (actor) => {
    await setArchived(db(), actor, classId(form), archived);
    return archived ? 'Archived: students can no longer join, and the class left their lists.' : 'The class is active again.';
  });
}

export async function regenerateCodeAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return act(form, async (actor) => {
    await regenerateJoinCode(db(), actor, classId(form));
    return 'New join code made: the old code and link no longer work.';
  });
}

export async function disableCodeAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return act(form, async (actor) => {
    await disableJoinCode(db(), actor, classId(form));
    return 'Joining is switched off. Make a new code to switch it on again.';
  });
}

export async function addInstructorAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return act(form, async (actor) => {
    const u = await addInstructor(db(), actor, classId(form), str(form, 'email', 300));
    return `${u.email} now teaches this class too.`;
  });
}

export async function removeInstructorAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return act(form, async (actor) => {
    await removeInstructor(db(), actor, classId(form), str(form, 'userId', 64));
  });
}

export async function createAssignmentAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return act(form, async (actor) => {
    const input: AssignmentInput = {
      kind: str(form, 'kind', 20) as AssignmentInput['kind'],
      title: str(form, 'title', 200) || undefined,
      exerciseId: str(form, 'exerciseId', 100) || undefined,
      steps: form.getAll('steps').slice(0, 50).map(String),
      cardGoal: formInt(form, 'cardGoal', 'The number of cards'),
      cardMode: (str(form, 'cardMode', 20) || undefined) as AssignmentInput['cardMode'],
      opensAt: formDate(form, 'opensAt'),
      dueAt: formDate(form, 'dueAt'),
      points: formInt(form, 'points', 'Points'),
    };
    const a = await createAssignment(db(), actor, classId(form), input, siteCatalog());
    return `Assigned “${a.title}”.`;
  });
}

export async function updateAssignmentAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return act(form, async (actor) => {
    const a = await updateAssignment(db(), actor, str(form, 'assignmentId', 64), {
      title: str(form, 'title', 200) || undefined,
      opensAt: formDate(form, 'opensAt'),
      dueAt: formDate(form, 'dueAt'),
      points: formInt(form, 'points', 'Points'),
    });
    return `Saved “${a.title}”.`;
  });
}

export async function deleteAssignmentAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return act(form, async (actor) => {
    await deleteAssignment(db(), actor, str(form, 'assignmentId', 64));
  });
}

export async function removeStudentAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return act(form, async (actor) => {
    await removeStudent(db(), actor, classId(form), str(form, 'studentId', 64));
  });
}

export async function addCommentAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return act(form, async (actor) => {
    await addComment(db(), actor, {
      classId: classId(form),
      studentId: str(form, 'studentId', 64),
      assignmentId: str(form, 'assignmentId', 64) || null,
      attemptId: str(form, 'attemptId', 64) || null,
      body: str(form, 'body', 4000),
    });
    return 'Comment sent: the student sees it on their progress page.';
  });
}

export async function deleteCommentAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return act(form, async (actor) => {
    await deleteComment(db(), actor, str(form, 'commentId', 64));
  });
}
