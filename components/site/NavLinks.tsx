'use client';
// Main navigation links, marking the section the reader is in (aria-current).
import Link from 'next/link';
import { usePathname } from 'next/navigation';

export function NavLinks({ items }: { items: { href: string; label: string }[] }) {
  const path = usePathname() ?? '/';
  return (
    <ul className="flex flex-wrap gap-4 text-sm">
      {items.map((n) => {
        const here = path === n.href || path.startsWith(n.href + '/');
        return (
          <li key={n.href}>
            <Link
              href={n.href}
              aria-current={here ? 'page' : undefined}
              className={here ? 'font-semibold text-[var(--accent)] underline underline-offset-4' : 'hover:underline'}
            >
              {n.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
