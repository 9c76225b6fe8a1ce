import type { ReconnectConfig } from './config.js';

export type BackoffPolicy = Pick<ReconnectConfig, 'min_wait' | 'max_wait' | 'factor' | 'jitter'>;

/**
 * Wait before reconnect attempt number `retry` (1 = the first retry): exponential from
 * `min_wait`, multiplied by `factor` per retry, capped at `max_wait`, then cut by up to
 * `jitter` (a fraction) using `random()` in [0, 1). The result never drops below `min_wait`.
 * With the defaults and no jitter: 100, 200, 400, 800, 1600, 3200, 6400, 10000, 10000, …
 */
export function reconnectDelay(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, retry - 1);
  const base = Math.min(policy.max_wait, policy.min_wait * policy.factor ** exponent);
  if (policy.jitter === 0) return Math.round(base);
  const cut = base * policy.jitter * random();
  return Math.round(Math.max(policy.min_wait, base - cut));
}

/**
 * Whether a failed attempt is worth retrying. A server that answers the upgrade with a 4xx
 * status refused us on purpose (bad auth, unknown path, forbidden origin): retrying would
 * only hammer it. 408 (timeout) and 429 (too many requests) are transient and retried. A 3xx
 * reaching here was not followed (follow_redirects off, or the limit hit): retrying cannot
 * change it either. 5xx and failures without a status (refused, reset, timeout) are retried.
 */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true;
  if (status === 408 || status === 429) return true;
  return status >= 500 || status < 300;
}
