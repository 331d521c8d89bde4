import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import { Header } from '@/components/site/Header.tsx';
import { CopyButtons } from '@/components/markdown/CopyButtons.tsx';
import { currentUser } from '@/lib/auth/current-user.ts';
import { content } from '@/lib/content/loader.ts';

export const metadata: Metadata = {
  title: { default: 'The docker build lab', template: '%s · docker build lab' },
  description: 'What really happens during docker build: a lesson, flashcards and a real build engine.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  const { course } = content();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <Header user={user} title={course.title} />
        <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-8 focus:outline-none">
          {children}
        </main>
        <CopyButtons />
      </body>
    </html>
  );
}
