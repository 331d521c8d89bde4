import { describe, expect, it } from 'vitest';
import { BuildSlots } from './build-slots.ts';

describe('build slots per namespace', () => {
  it('runs N at once, queues a bounded number in order, refuses the rest with TOO_MANY_REQUESTS (429, retryable)', async () => {
    const slots = new BuildSlots(2, 1);
    const r1 = await slots.acquire('alice');
    const r2 = await slots.acquire('alice');
    const order: string[] = [];
    const third = slots.acquire('alice').then((r) => (order.push('third'), r));
    await expect(slots.acquire('alice')).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/LAB_MAX_BUILDS_PER_USER/) });
    const bob = await slots.acquire('bob'); // another namespace is not affected
    expect(slots.usage('alice')).toEqual({ running: 2, waiting: 1 });
    r1();
    r1(); // twice is harmless
    const r3 = await third;
    expect(order).toEqual(['third']);
    expect(slots.usage('alice')).toEqual({ running: 2, waiting: 0 });
    r2();
    r3();
    bob();
    expect(slots.usage('alice')).toEqual({ running: 0, waiting: 0 });
  });

  it('a waiting build that is cancelled leaves the queue', async () => {
    const slots = new BuildSlots(1, 2);
    const r1 = await slots.acquire('a');
    const ac = new AbortController();
    const waiting = slots.acquire('a', ac.signal);
    ac.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(slots.usage('a')).toEqual({ running: 1, waiting: 0 });
    r1();
  });
});
