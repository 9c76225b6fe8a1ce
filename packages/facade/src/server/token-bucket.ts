/**
 * Token bucket: `ratePerSecond` tokens refill continuously up to `capacity`. No timers; the
 * refill is computed from the clock when tokens are taken. The clock is injectable for tests.
 */
export type Clock = () => number;

export const monotonicMs: Clock = () => performance.now();

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly clock: Clock = monotonicMs,
  ) {
    this.tokens = capacity;
    this.last = clock();
  }

  /** Takes `cost` tokens if available; returns false (and takes nothing) otherwise. */
  take(cost = 1): boolean {
    this.refill();
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  get available(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.clock();
    const elapsed = now - this.last;
    if (elapsed <= 0) return;
    this.last = now;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.ratePerSecond) / 1000);
  }
}

/** Why a message went over the limit. */
export type RateLimitBreach = 'messages' | 'bytes';

/** Per-session limiter for messages/s and bytes/s (each a token bucket). */
export class MessageRateLimiter {
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(
    limits: { messages_per_second: number; bytes_per_second: number; burst_seconds: number },
    clock: Clock = monotonicMs,
  ) {
    this.messages = new TokenBucket(
      limits.messages_per_second,
      Math.max(1, limits.messages_per_second * limits.burst_seconds),
      clock,
    );
    this.bytes = new TokenBucket(
      limits.bytes_per_second,
      Math.max(1, limits.bytes_per_second * limits.burst_seconds),
      clock,
    );
  }

  /** Accounts one message of `size` bytes; returns which limit it broke, or null. */
  admit(size: number): RateLimitBreach | null {
    if (!this.messages.take(1)) return 'messages';
    if (!this.bytes.take(size)) return 'bytes';
    return null;
  }
}
