import Link from 'next/link';

export default function NotFound() {
  return (
    <section className="flex flex-col items-start gap-4" data-testid="not-found">
      <p className="text-sm font-semibold text-[var(--muted)]">404</p>
      <h1 className="text-3xl font-bold">Not found</h1>
      <p className="text-[var(--muted)]">There is no step, card, page or exercise at this address.</p>
      <Link href="/lesson" className="btn">Back to the lesson</Link>
    </section>
  );
}
