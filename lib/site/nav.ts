// The site's main navigation. Later issues switch on Terminal, Builds and Instructor by
// adding a page and setting `ready`.
export type NavItem = { href: string; label: string; ready: boolean; private?: boolean; role?: 'instructor' };

export const NAV: NavItem[] = [
  { href: '/lesson', label: 'Lesson', ready: true },
  { href: '/flashcards', label: 'Flashcards', ready: true, private: true },
  { href: '/exercises', label: 'Exercises', ready: true },
  { href: '/progress', label: 'Progress', ready: true, private: true },
  { href: '/terminal', label: 'Terminal', ready: true, private: true },
  { href: '/builds', label: 'Builds', ready: true, private: true },
  { href: '/settings/tokens', label: 'Tokens', ready: true, private: true },
  { href: '/instructor', label: 'Instructor', ready: true, private: true, role: 'instructor' },
];
