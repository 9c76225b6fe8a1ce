import { describe, expect, it } from 'vitest';
import { isRetryableStatus, reconnectDelay } from '../src/client/backoff.js';

const ixDefaults = { min_wait: 100, max_wait: 10_000, factor: 2, jitter: 0 };

describe('reconnectDelay', () => {
  it('doubles from min_wait and caps at max_wait (IXWebSocket schedule)', () => {
    const waits = Array.from({ length: 10 }, (_, i) => reconnectDelay(i + 1, ixDefaults));
    expect(waits).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000]);
  });

  it('cuts each wait by at most the jitter fraction, never below min_wait', () => {
    const policy = { ...ixDefaults, jitter: 0.5 };
    expect(reconnectDelay(4, policy, () => 0)).toBe(800);
    expect(reconnectDelay(4, policy, () => 0.5)).toBe(600);
    expect(reconnectDelay(4, policy, () => 0.999999)).toBe(400);
    expect(reconnectDelay(1, policy, () => 0.999999)).toBe(100);
  });

  it('does not overflow for very large retry counts', () => {
    expect(reconnectDelay(5000, ixDefaults)).toBe(10_000);
  });

  it('honours a custom factor', () => {
    const policy = { min_wait: 50, max_wait: 1000, factor: 3, jitter: 0 };
    expect([1, 2, 3, 4].map((n) => reconnectDelay(n, policy))).toEqual([50, 150, 450, 1000]);
  });
});

describe('isRetryableStatus', () => {
  it('stops on 3xx and 4xx answers except 408 and 429, retries 5xx and status-less failures', () => {
    expect(isRetryableStatus(undefined)).toBe(true);
    expect(isRetryableStatus(401)).toBe(false);
    expect(isRetryableStatus(403)).toBe(false);
    expect(isRetryableStatus(404)).toBe(false);
    expect(isRetryableStatus(408)).toBe(true);
    expect(isRetryableStatus(429)).toBe(true);
    expect(isRetryableStatus(500)).toBe(true);
    expect(isRetryableStatus(503)).toBe(true);
    expect(isRetryableStatus(200)).toBe(true);
    expect(isRetryableStatus(302)).toBe(false);
    expect(isRetryableStatus(301)).toBe(false);
  });
});
