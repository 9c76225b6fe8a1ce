import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../src/core/bounded-queue.js';

function recorder() {
  const calls: string[] = [];
  return {
    calls,
    pressure: {
      full: () => calls.push('full'),
      resume: () => calls.push('resume'),
      detached: () => calls.push('detached'),
    },
  };
}

describe('BoundedQueue', () => {
  it('delivers items in order to an async iterator and finishes after end()', async () => {
    const queue = new BoundedQueue<number>(10);
    queue.push(1);
    queue.push(2);
    queue.end();
    queue.push(3); // ignored after end
    const seen: number[] = [];
    for await (const item of queue) seen.push(item);
    expect(seen).toEqual([1, 2]);
  });

  it('hands an item straight to a waiting consumer', async () => {
    const queue = new BoundedQueue<string>(2);
    const pending = queue.next();
    queue.push('a');
    await expect(pending).resolves.toEqual({ done: false, value: 'a' });
    expect(queue.length).toBe(0);
  });

  it('signals full at capacity and resume once drained to half', async () => {
    const { calls, pressure } = recorder();
    const queue = new BoundedQueue<number>(4, pressure);
    for (let i = 0; i < 6; i++) queue.push(i);
    expect(calls).toEqual(['full']);
    expect(queue.length).toBe(6); // never drops
    await queue.next();
    await queue.next();
    await queue.next();
    expect(calls).toEqual(['full']);
    await queue.next();
    expect(calls).toEqual(['full', 'resume']);
  });

  it('a waiting consumer sees done when the queue ends', async () => {
    const queue = new BoundedQueue<number>(2);
    const pending = queue.next();
    queue.end();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
  });

  it('breaking out of for-await detaches and releases a paused producer', async () => {
    const { calls, pressure } = recorder();
    const queue = new BoundedQueue<number>(2, pressure);
    queue.push(1);
    queue.push(2);
    for await (const item of queue) {
      expect(item).toBe(1);
      break;
    }
    expect(calls).toEqual(['full', 'resume', 'detached']);
    expect(queue.isEnded).toBe(true);
  });

  it('refuses a second concurrent next() as a bug', async () => {
    const queue = new BoundedQueue<number>(2);
    void queue.next();
    await expect(queue.next()).rejects.toThrow('one pending');
    queue.end();
  });
});
