'use client';
// Shown when a page or form fails on the server (for example a form far over the size limit).
import Link from 'next/link';

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section className="flex flex-col items-start gap-4" role="alert" data-testid="error-page">
      <h1 className="text-3xl font-bold">Something went wrong</h1>
      <p className="max-w-prose text-[var(--muted)]">
        The server could not handle that request. If you sent a form, check that what you typed is not unusually long (forms
        accept a few kilobytes at most) and try again. Nothing was saved.
      </p>
      <div className="flex gap-3">
        <button type="button" className="btn" onClick={reset}>
          Try again
        </button>
        <Link href="/lesson" className="btn btn-ghost">
          Back to the lesson
        </Link>
      </div>
    </section>
  );
}
