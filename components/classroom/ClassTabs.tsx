'use client';
// The tabs of one class's instructor pages, marking the current one (aria-current).
import Link from 'next/link';
import { usePathname } from 'next/navigation';

export function ClassTabs({ classId }: { classId: string }) {
  const path = usePathname() ?? '';
  const base = `/instructor/classes/${classId}`;
  const tabs = [
    { href: base, label: 'Gradebook' },
    { href: `${base}/assignments`, label: 'Assignments' },
    { href: `${base}/roster`, label: 'Roster' },
    { href: `${base}/settings`, label: 'Settings' },
  ];
  return (
    <nav aria-label="Class" className="border-b border-[var(--border)]">
      <ul className="-mb-px flex flex-wrap gap-1 text-sm">
        {tabs.map((t) => {
          const here = t.href === base ? path === base || path.startsWith(`${base}/students/`) : path.startsWith(t.href);
          return (
            <li key={t.href}>
              <Link
                href={t.href}
                aria-current={here ? 'page' : undefined}
                className={`inline-block rounded-t-md border px-3 py-2 ${here ? 'border-[var(--border)] border-b-[var(--bg)] bg-[var(--bg)] font-semibold text-[var(--accent)]' : 'border-transparent text-[var(--muted)] hover:text-[var(--fg)] hover:underline'}`}
              >
                {t.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
