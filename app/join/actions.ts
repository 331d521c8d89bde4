'use server';
// The student's class actions: join with a code, leave a class. Next checks the Origin of every
// server action; the services check the rest (lib/classroom/enrollment.ts).
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/auth/current-user.ts';
import { isClassroomError } from '@/lib/classroom/classroom.ts';
import { joinClass, leaveClass } from '@/lib/classroom/enrollment.ts';
import type { ActionState } from '@/components/classroom/ActionForm.tsx';

const field = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v.slice(0, 64) : '';
};

export async function joinClassAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser('/join');
  try {
    await joinClass(db(), user, field(form, 'code'));
  } catch (err) {
    if (isClassroomError(err)) return { error: err.message };
    throw err;
  }
  revalidatePath('/progress');
  revalidatePath('/exercises');
  redirect('/progress?joined=1#classes');
}

export async function leaveClassAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser('/progress');
  try {
    await leaveClass(db(), user, field(form, 'classId'));
  } catch (err) {
    if (isClassroomError(err)) return { error: err.message };
    throw err;
  }
  revalidatePath('/progress');
  revalidatePath('/exercises');
  return { notice: 'You left the class.' };
}
