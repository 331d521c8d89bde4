import type { Metadata } from 'next';
import Link from 'next/link';
import { content } from '@/lib/content/loader.ts';

export const metadata: Metadata = { title: 'Exercises' };

export default function ExercisesPage() {
  const { exercises, steps } = content();
  const stepTitle = new Map(steps.map((s) => [s.slug, `${s.step}. ${s.title}`]));
  return (
    <section className="flex flex-col gap-6">
      <h1 className="text-3xl font-bold">Exercises</h1>
      <ul className="grid gap-3 sm:grid-cols-2">
        {exercises.map((e) => (
          <li key={e.id} className="rounded-lg border border-[var(--border)] p-4">
            <Link href={`/exercises/${e.id}`} className="font-semibold hover:underline">{e.title}</Link>
            <p className="mt-1 text-xs uppercase tracking-wide text-[var(--muted)]">{e.kind} · {stepTitle.get(e.step) ?? e.step}</p>
            <p className="mt-2 text-sm text-[var(--muted)]">{e.summary}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
