// The top of every instructor page of one class: where you are, the class name, its tabs.
import Link from 'next/link';
import { ClassTabs } from './ClassTabs.tsx';

export function ClassHeader({ cls, title }: { cls: { id: string; name: string; archivedAt: Date | null }; title?: string }) {
  return (
    <header className="flex flex-col gap-3">
      <p className="text-sm text-[var(--muted)]">
        <Link href="/instructor" className="underline">
          Your classes
        </Link>
        {title && (
          <>
            {' · '}
            <Link href={`/instructor/classes/${cls.id}`} className="underline">
              {cls.name}
            </Link>
          </>
        )}
      </p>
      <h1 className="flex flex-wrap items-center gap-3 text-3xl font-bold">
        {title ?? cls.name}
        {cls.archivedAt && <span className="badge badge-not-started">archived</span>}
      </h1>
      <ClassTabs classId={cls.id} />
    </header>
  );
}
