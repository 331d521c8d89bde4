// Words for the classroom's enums, shared by the instructor's and the student's pages.
import type { AssignmentKind } from '@/lib/classroom/classroom.ts';

export const KIND_LABEL: Record<AssignmentKind, string> = {
  exercise: 'exercise',
  steps: 'lesson steps',
  flashcards: 'flashcards',
};
