// Shared by the instructor's class pages: the signed-in user, and the class when they teach it.
// A class they do not teach is a 404, the same as one that does not exist.
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/auth/current-user.ts';
import { requireTeaching, requireStudentOf } from '@/lib/classroom/access.ts';
import { isClassroomError } from '@/lib/classroom/classroom.ts';

async function or404<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (isClassroomError(err) && err.code === 'NOT_FOUND') notFound();
    throw err;
  }
}

export async function classPage(classId: string, returnTo: string) {
  const user = await requireUser(returnTo);
  if (user.role !== 'instructor') return { user, cls: null };
  return { user, cls: await or404(requireTeaching(db(), user, classId)) };
}

export async function studentPage(classId: string, studentId: string, returnTo: string) {
  const user = await requireUser(returnTo);
  if (user.role !== 'instructor') return { user, found: null };
  return { user, found: await or404(requireStudentOf(db(), user, classId, studentId)) };
}

/** The site's origin as the browser sees it (for links to copy), like /settings/tokens. */
export async function siteOrigin(): Promise<string> {
  const h = await headers();
  const proto = (h.get('x-forwarded-proto') ?? 'http').split(',')[0].trim();
  return process.env.LAB_PUBLIC_ORIGIN ?? `${proto}://${h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost'}`;
}
