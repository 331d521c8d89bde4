import { describe, expect, it } from 'vitest';
import { createEmptyCard, fsrs } from 'ts-fsrs';
import { formatInterval, fromFsrs, grade, parseFields, previewIntervals, serializeFields, toFsrs } from './scheduler.ts';

const now = new Date('2026-01-10T12:00:00Z');

describe('FSRS glue', () => {
  it('gives a new card the same next state as ts-fsrs itself (no fuzz)', () => {
    const reference = fsrs({ enable_fuzz: false }).next(createEmptyCard(now), now, 3);
    const { next, log } = grade(null, 3, now);
    expect(next.due.getTime()).toBe(reference.card.due.getTime());
    expect(next.stability).toBeCloseTo(reference.card.stability, 10);
    expect(next.reps).toBe(1);
    expect(log.rating).toBe(3);
  });

  it('orders intervals Again <= Hard <= Good <= Easy and previews what grading gives', () => {
    let state = grade(null, 3, now).next;
    const later = new Date(state.due.getTime() + 60_000);
    state = grade(state, 3, later).next; // now in review
    const at = new Date(state.due.getTime() + 3_600_000);
    const p = previewIntervals(state, at);
    const ms = ([1, 2, 3, 4] as const).map((r) => grade(state, r, at).next.due.getTime() - at.getTime());
    for (let i = 1; i < 4; i++) expect(ms[i]).toBeGreaterThanOrEqual(ms[i - 1]);
    expect(p[4]).toBe(formatInterval(ms[3]));
    expect(p[1]).toBe(formatInterval(ms[0]));
  });

  it('round-trips card fields through ts-fsrs and JSON exactly', () => {
    const { next } = grade(grade(null, 2, now).next, 4, new Date(now.getTime() + 600_000));
    expect(fromFsrs(toFsrs(next, now))).toEqual(next);
    expect(parseFields(serializeFields(next))).toEqual(next);
  });

  it('formats intervals for the grade buttons', () => {
    expect(formatInterval(30_000)).toBe('<1m');
    expect(formatInterval(10 * 60_000)).toBe('10m');
    expect(formatInterval(5 * 3_600_000)).toBe('5h');
    expect(formatInterval(8 * 86_400_000)).toBe('8d');
    expect(formatInterval(90 * 86_400_000)).toBe('3mo');
    expect(formatInterval(800 * 86_400_000)).toBe('2.2y');
  });
});
