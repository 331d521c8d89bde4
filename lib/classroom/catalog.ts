// The catalog of the site's content (lesson steps, exercises, flashcards) in the shape the
// classroom services take; tests pass their own.
import { content } from '../content/loader.ts';
import type { Catalog } from './classroom.ts';

export function siteCatalog(): Catalog {
  const c = content();
  return {
    exercises: c.exercises.map((e) => ({ id: e.id, title: e.title })),
    steps: c.steps.map((s) => ({ slug: s.slug, step: s.step, title: s.title })),
    cards: c.cards.map((k) => ({ id: k.id, step: k.step })),
  };
}
