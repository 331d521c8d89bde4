'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/auth/current-user.ts';
import { findStep } from '@/lib/content/loader.ts';
import { setStepDone } from '@/lib/progress/steps.ts';

const input = z.object({ slug: z.string().max(100), done: z.enum(['true', 'false']) });

export type StepState = { error?: string };

export async function toggleStepAction(_prev: StepState, form: FormData): Promise<StepState> {
  const user = await requireUser();
  const parsed = input.safeParse({ slug: form.get('slug'), done: form.get('done') });
  if (!parsed.success) return { error: 'That request was malformed; reload the page and try again.' };
  if (!findStep(parsed.data.slug)) return { error: `There is no lesson step called “${parsed.data.slug}”.` };
  await setStepDone(db(), user.id, parsed.data.slug, parsed.data.done === 'true');
  revalidatePath('/lesson', 'layout');
  revalidatePath('/progress');
  return {};
}
