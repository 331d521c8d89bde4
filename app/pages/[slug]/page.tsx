import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { content, findPage } from '@/lib/content/loader.ts';
import { Markdown } from '@/components/markdown/Markdown.tsx';

type Params = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: findPage((await params).slug)?.title ?? 'Page not found' };
}

export default async function ContentPage({ params }: Params) {
  const page = findPage((await params).slug);
  if (!page) notFound();
  const { pages } = content();
  return (
    <article className="flex flex-col gap-6">
      <nav aria-label="Pages" className="flex flex-wrap gap-3 text-sm">
        <Link href="/lesson" className="hover:underline">Lesson</Link>
        {pages.map((p) => (
          <Link key={p.slug} href={`/pages/${p.slug}`} aria-current={p.slug === page.slug ? 'page' : undefined} className={p.slug === page.slug ? 'font-semibold' : 'hover:underline'}>
            {p.title}
          </Link>
        ))}
      </nav>
      <h1 className="text-3xl font-bold">{page.title}</h1>
      <Markdown source={page.body} />
    </article>
  );
}
