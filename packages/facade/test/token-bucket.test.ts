import { describe, expect, it } from 'vitest';
import { MessageRateLimiter, TokenBucket } from '../src/server/token-bucket.js';

function fakeClock() {
  let now = 0;
  return {
    clock: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('TokenBucket', () => {
  it('allows a burst up to capacity, then refills at the rate', () => {
    const time = fakeClock();
    const bucket = new TokenBucket(10, 5, time.clock);
    for (let i = 0; i < 5; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    time.advance(100); // 10/s → one token per 100 ms
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    time.advance(10_000);
    expect(bucket.available).toBe(5);
  });

  it('takes nothing when the cost is not available', () => {
    const time = fakeClock();
    const bucket = new TokenBucket(1, 3, time.clock);
    expect(bucket.take(4)).toBe(false);
    expect(bucket.available).toBe(3);
  });
});

describe('MessageRateLimiter', () => {
  it('reports which limit a message breaks', () => {
    const time = fakeClock();
    const limiter = new MessageRateLimiter(
      { messages_per_second: 2, bytes_per_second: 100, burst_seconds: 1 },
      time.clock,
    );
    expect(limiter.admit(10)).toBeNull();
    expect(limiter.admit(10)).toBeNull();
    expect(limiter.admit(10)).toBe('messages');
    time.advance(1000);
    expect(limiter.admit(200)).toBe('bytes');
  });
});
