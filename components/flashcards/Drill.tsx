'use client';
// The flashcard drill. Review mode grades through server actions (the server owns the schedule
// and returns the fresh deck); practice mode walks every card and never calls the server.
// Keys: Space/Enter reveal, 1-4 grade, u or Ctrl+Z undo, p toggles practice.
import Link from 'next/link';
import { useCallback, useEffect, useRef, useState, useTransition } from 'react';
import { gradeAction, undoAction } from '@/app/flashcards/actions.ts';
import type { Deck } from '@/lib/flashcards/reviews.ts';

export type CardView = { id: string; front: string; back: string; step: string; stepTitle: string };

const GRADES = [
  { value: 1, label: 'Again', cls: 'border-red-500' },
  { value: 2, label: 'Hard', cls: 'border-amber-500' },
  { value: 3, label: 'Good', cls: 'border-green-600' },
  { value: 4, label: 'Easy', cls: 'border-sky-500' },
] as const;

export function Drill({ cards, initialDeck }: { cards: CardView[]; initialDeck: Deck }) {
  const [deck, setDeck] = useState(initialDeck);
  const [practice, setPractice] = useState(false);
  const [practiceIdx, setPracticeIdx] = useState(0);
  const [practiceHistory, setPracticeHistory] = useState<number[]>([]);
  const [revealed, setRevealed] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const byId = new Map(cards.map((c) => [c.id, c]));
  const currentId = practice ? cards[practiceIdx % cards.length]?.id : deck.queue[0]?.id;
  const card = currentId ? byId.get(currentId) : undefined;
  const intervals = currentId ? deck.previews[currentId] : undefined;

  const grade = useCallback(
    (rating: number) => {
      if (!card || !revealed || pending) return;
      if (practice) {
        setPracticeHistory((h) => [...h, practiceIdx]);
        setPracticeIdx((i) => (i + 1) % cards.length);
        setRevealed(false);
        setMessage(`Practice: graded ${GRADES[rating - 1].label}; the schedule is unchanged.`);
        return;
      }
      startTransition(async () => {
        const r = await gradeAction(card.id, rating);
        if (r.error) setMessage(r.error);
        if (r.deck) {
          setDeck(r.deck);
          setRevealed(false);
          setMessage(`Graded ${GRADES[rating - 1].label}: back in ${deck.previews[card.id]?.[rating as 1]}.`);
        }
      });
    },
    [card, revealed, pending, practice, practiceIdx, cards.length, deck.previews],
  );

  const undo = useCallback(() => {
    if (pending) return;
    if (practice) {
      const prev = practiceHistory.at(-1);
      if (prev === undefined) return setMessage('Nothing to undo in this practice round.');
      setPracticeHistory((h) => h.slice(0, -1));
      setPracticeIdx(prev);
      setRevealed(false);
      return setMessage('Went back one card.');
    }
    startTransition(async () => {
      const r = await undoAction();
      if (r.error) setMessage(r.error);
      if (r.deck) {
        setDeck(r.deck);
        setRevealed(false);
        setMessage('Undid the last grade: the card has its previous schedule again.');
      }
    });
  }, [pending, practice, practiceHistory]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const t = e.target as HTMLElement;
      if (t.closest('input:not([type="checkbox"]), textarea, select, [contenteditable="true"]')) return;
      const onControl = !!t.closest('button, a, summary, input');
      if ((e.key === 'z' || e.key === 'Z') && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        return undo();
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if ((e.key === ' ' || e.key === 'Enter') && !onControl && !revealed && card) {
        e.preventDefault();
        return setRevealed(true);
      }
      if (['1', '2', '3', '4'].includes(e.key)) return grade(Number(e.key));
      if (e.key === 'u' || e.key === 'U') return undo();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [grade, undo, revealed, card]);

  const cardRef = useRef<HTMLDivElement>(null);
  const togglePractice = () => {
    setPractice((p) => !p);
    // Back to the card, so Space reveals instead of toggling the checkbox again.
    cardRef.current?.focus();
    requestAnimationFrame(() => cardRef.current?.focus()); // and again if the card re-rendered
    setRevealed(false);
    setPracticeHistory([]);
    setMessage(null);
  };

  return (
    <div className="flex max-w-3xl flex-col gap-4">
      <div className="flex flex-wrap items-center gap-4 text-sm" aria-live="polite">
        <span data-testid="due-count"><strong>{deck.dueCount}</strong> due</span>
        <span data-testid="new-count"><strong>{deck.newCount}</strong> new</span>
        <span data-testid="learned-count"><strong>{deck.learnedCount}</strong> of {deck.total} learned</span>
        <label className="ml-auto flex items-center gap-2">
          <input type="checkbox" checked={practice} onChange={togglePractice} data-testid="practice-toggle" />
          Practice mode (does not change your schedule)
        </label>
      </div>

      {card ? (
        <div
          ref={cardRef}
          tabIndex={-1}
          aria-label="Flashcard"
          className="rounded-xl border border-[var(--border)] bg-[var(--bg-soft)] p-6"
          data-testid="card"
          data-card-id={card.id}
        >
          <p className="mb-3 text-xs uppercase tracking-wide text-[var(--muted)]">
            {practice ? 'Practice' : deck.queue[0]?.isNew ? 'New card' : 'Review'} ·{' '}
            <Link href={`/lesson/${card.step}`} className="underline" data-testid="card-step-link">
              Step {card.stepTitle}
            </Link>
          </p>
          <div className="prose contents-flow" data-testid="card-front" dangerouslySetInnerHTML={{ __html: card.front }} />
          {revealed ? (
            <>
              <hr className="my-5 border-[var(--border)]" />
              <div className="prose contents-flow" data-testid="card-back" dangerouslySetInnerHTML={{ __html: card.back }} />
              <div className="mt-6 grid grid-cols-2 gap-2 sm:grid-cols-4" role="group" aria-label="Grade your answer">
                {GRADES.map((g) => (
                  <button
                    key={g.value}
                    type="button"
                    onClick={() => grade(g.value)}
                    disabled={pending}
                    className={`flex flex-col items-center rounded-lg border-2 bg-[var(--bg)] px-3 py-2 ${g.cls}`}
                    data-testid={`grade-${g.value}`}
                  >
                    <span className="font-semibold">{g.label}</span>
                    <span className="text-xs text-[var(--muted)]">
                      <kbd>{g.value}</kbd> · {intervals?.[g.value] ?? ''}
                    </span>
                  </button>
                ))}
              </div>
            </>
          ) : (
            <button type="button" className="btn mt-6" onClick={() => setRevealed(true)} data-testid="reveal">
              Show answer <kbd>Space</kbd>
            </button>
          )}
        </div>
      ) : (
        <div className="rounded-xl border border-[var(--border)] p-6" data-testid="all-done">
          <p className="text-lg font-semibold">All caught up.</p>
          <p className="text-[var(--muted)]">
            {deck.nextDue ? `The next card is due ${new Date(deck.nextDue).toLocaleString()}.` : 'No cards are scheduled.'} Switch on practice
            mode to go through every card without touching the schedule.
          </p>
        </div>
      )}

      <div className="flex flex-wrap items-center gap-3">
        <button type="button" className="btn btn-ghost" onClick={undo} disabled={pending || (!practice && !deck.canUndo)} data-testid="undo">
          Undo last grade <kbd>U</kbd>
        </button>
        <p className="text-sm text-[var(--muted)]" role="status" data-testid="drill-message">
          {message}
        </p>
      </div>
      <p className="text-xs text-[var(--muted)]">
        Keys: <kbd>Space</kbd>/<kbd>Enter</kbd> show the answer · <kbd>1</kbd>–<kbd>4</kbd> Again, Hard, Good, Easy · <kbd>U</kbd> or{' '}
        <kbd>Ctrl</kbd>+<kbd>Z</kbd> undo.
      </p>
    </div>
  );
}
