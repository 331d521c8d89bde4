import Link from 'next/link';
import { content } from '@/lib/content/loader.ts';
import { currentUser } from '@/lib/auth/current-user.ts';
import { Inline } from '@/components/markdown/Inline.tsx';
import { Markdown } from '@/components/markdown/Markdown.tsx';

export default async function Home() {
  const { course, steps, cards, exercises } = content();
  const user = await currentUser();
  return (
    <div className="flex flex-col gap-8">
      <section className="flex flex-col gap-4">
        <h1 className="text-4xl font-bold tracking-tight">
          <Inline source={course.title} />
        </h1>
        <Markdown source={course.intro} />
        <p className="text-[var(--muted)]">
          {steps.length} steps · {cards.length} flashcards · {exercises.length} exercises · about {course.minutes} minutes
        </p>
        <div className="flex flex-wrap gap-3">
          <Link href="/pages/mission" className="btn">Start with the mission</Link>
          <Link href="/lesson" className="btn btn-ghost">Go to the steps</Link>
          {!user && <Link href="/signup" className="btn btn-ghost">Create an account</Link>}
        </div>
      </section>
      <section aria-labelledby="topics-h">
        <h2 id="topics-h" className="mb-2 text-xl font-bold">Topics</h2>
        <ul className="flex flex-wrap gap-2">
          {course.topics.map((t) => (
            <li key={t} className="rounded-full border border-[var(--border)] px-3 py-1 text-sm">{t}</li>
          ))}
        </ul>
      </section>
    </div>
  );
}
