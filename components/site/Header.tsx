import Link from 'next/link';
import { NAV } from '@/lib/site/nav.ts';
import { NavLinks } from './NavLinks.tsx';
import type { SessionUser } from '@/lib/auth/sessions.ts';
import { signOutAction } from '@/app/(auth)/actions.ts';

export function Header({ user, title }: { user: SessionUser | null; title: string }) {
  const items = NAV.filter((n) => n.ready && (!n.role || user?.role === n.role));
  return (
    <header className="border-b border-[var(--border)] bg-[var(--bg-soft)]">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/" className="flex items-center gap-2 font-bold tracking-tight" title={title.replace(/`/g, '')}>
          <svg aria-hidden="true" viewBox="0 0 24 24" className="h-6 w-6 text-sky-600">
            <rect x="3" y="13" width="18" height="7" rx="1.5" fill="currentColor" opacity="0.35" />
            <rect x="5" y="8" width="14" height="5" rx="1.5" fill="currentColor" opacity="0.6" />
            <rect x="7" y="4" width="10" height="4" rx="1.5" fill="currentColor" />
          </svg>
          docker build lab
        </Link>
        <nav aria-label="Main" className="flex-1">
          <NavLinks items={items.map(({ href, label }) => ({ href, label }))} />
        </nav>
        <div className="flex items-center gap-3 text-sm">
          {user ? (
            <>
              <span className="max-w-[16rem] truncate text-[var(--muted)]" data-testid="whoami">
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
