/**
 * Per-connection rate limit: a token bucket. Pure — the caller passes the current time, so
 * the decision is testable without timers. Each message takes one token; tokens refill
 * continuously at `ratePerSecond` up to `burst`.
 */
export interface RateLimit {
  /** Sustained messages per second. */
  ratePerSecond: number;
  /** Messages that may arrive at once after a quiet period. */
  burst: number;
}

/** Defaults: a person typing fast sends a few lines a second; a paste of 30 lines is fine. */
export const DEFAULT_RATE_LIMIT: RateLimit = { ratePerSecond: 10, burst: 30 };

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  /** Takes one token; `false` means the message is over the limit. `now` is in milliseconds. */
  take(now: number): boolean {
    const elapsed = now - this.last;
    if (elapsed > 0) {
      this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed * this.limit.ratePerSecond) / 1000);
      this.last = now;
    }
    // The epsilon absorbs floating-point error so a sender exactly at the rate is never refused.
    if (this.tokens < 1 - 1e-9) return false;
    this.tokens -= 1;
    return true;
  }
}
