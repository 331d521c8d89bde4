import Link from 'next/link';
import { NAV } from '@/lib/site/nav.ts';
import type { SessionUser } from '@/lib/auth/sessions.ts';
import { signOutAction } from '@/app/(auth)/actions.ts';

export function Header({ user, title }: { user: SessionUser | null; title: string }) {
  const items = NAV.filter((n) => n.ready && (!n.role || user?.role === n.role));
  return (
    <header className="border-b border-[var(--border)] bg-[var(--bg-soft)]">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/" className="font-bold tracking-tight">
          <span aria-hidden="true">🐳 </span>
          {title.replace(/`/g, '')}
        </Link>
        <nav aria-label="Main" className="flex-1">
          <ul className="flex flex-wrap gap-4 text-sm">
            {items.map((n) => (
              <li key={n.href}>
                <Link href={n.href} className="hover:underline">
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="flex items-center gap-3 text-sm">
          {user ? (
            <>
              <span className="text-[var(--muted)]" data-testid="whoami">
                {user.email}
                {user.role === 'instructor' ? ' (instructor)' : ''}
              </span>
              <form action={signOutAction}>
                <button type="submit" className="btn btn-ghost !px-3 !py-1">
                  Sign out
                </button>
              </form>
            </>
          ) : (
            <>
              <Link href="/signin" className="hover:underline">
                Sign in
              </Link>
              <Link href="/signup" className="btn !px-3 !py-1">
                Sign up
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
