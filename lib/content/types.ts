/**
 * The lesson content model (the "content contract" shared with the content writer).
 *
 * Files under content/ (or another root passed to the loader, e.g. lib/content/testdata):
 *   course.json                 { title, level, minutes, prerequisites, topics[], intro (markdown) }
 *   lesson/NN-<slug>.md         one step each, NN = 01..08; front matter step, slug, title,
 *                               summary, minutes; body GitHub-flavoured Markdown
 *   pages/<slug>.md             non-step pages (mission, complete-build, cheat-sheet, takeaways);
 *                               front matter slug, title, order
 *   flashcards.json             { cards: [{ id, step, front, back, origin: seed|lab }] }
 *   exercises/NN-<slug>.md      front matter id, title, kind, step, summary; body sections
 *                               "## Task", "## Hints" (optional), "## Solution"
 *
 * Markdown extensions the renderer understands:
 *   > [!GOTCHA] ...             callouts (GitHub alert syntax) with the kinds in CALLOUT_KINDS
 *   ```diagram\nname\n```       a React diagram from components/diagrams (by name)
 *   ```dockerfile ...           fenced code highlighted with shiki on the server
 *
 * Lifecycle: the loader reads and validates everything once per process (zod; a broken file
 * throws with its path) and caches it; the renderer turns one markdown body into segments of
 * HTML and diagram names that components/markdown renders.
 */
export const STEP_SLUGS = [
  'build-context',
  'parsing-the-dockerfile',
  'building-layers',
  'build-cache',
  'union-filesystem',
  'multi-stage-builds',
  'registries',
  'image-security',
] as const;
export type StepSlug = (typeof STEP_SLUGS)[number];

export const CALLOUT_KINDS = [
  'GOTCHA',
  'UNDER-THE-HOOD',
  'REMEMBER',
  'MENTAL-MODEL',
  'TRIVIA',
  'WAR-STORY',
  'NOTE',
  'REALITY-CHECK',
] as const;
export type CalloutKind = (typeof CALLOUT_KINDS)[number];

export type Course = {
  title: string;
  level: string;
  minutes: number;
  prerequisites: string;
  topics: string[];
  intro: string;
};

export type Step = { step: number; slug: string; title: string; summary: string; minutes: number; body: string };
export type Page = { slug: string; title: string; order: number; body: string };
export type Flashcard = { id: string; step: string; front: string; back: string; origin: 'seed' | 'lab' };
export type Exercise = {
  id: string;
  title: string;
  kind: 'refactor' | 'investigation' | 'hands-on';
  step: string;
  summary: string;
  task: string;
  hints: string | null;
  solution: string;
  order: number;
};

export type Content = {
  course: Course;
  steps: Step[];
  pages: Page[];
  cards: Flashcard[];
  exercises: Exercise[];
};

/** A piece of rendered markdown: HTML, or a named diagram component. */
export type Segment = { kind: 'html'; html: string } | { kind: 'diagram'; name: string };
