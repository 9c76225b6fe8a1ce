import { afterEach, describe, expect, it, vi } from 'vitest';
import { HeartbeatState } from '../src/core/heartbeat-state.js';
import { type HeartbeatMember, HeartbeatWheel, sharedHeartbeatWheel } from '../src/core/heartbeat-wheel.js';

function member(): HeartbeatMember & { visits: number } {
  return {
    heartbeatSlot: -1,
    visits: 0,
    heartbeat() {
      this.visits++;
    },
  };
}

describe('HeartbeatState', () => {
  it('pings an idle peer, then times out when the ping goes unanswered', () => {
    const state = new HeartbeatState();
    expect(state.visit()).toBe('alive'); // traffic counted at creation (the handshake)
    expect(state.visit()).toBe('send-ping');
    expect(state.visit()).toBe('timed-out');
  });

  it('any inbound traffic (a pong included) resets the verdict', () => {
    const state = new HeartbeatState();
    state.visit();
    expect(state.visit()).toBe('send-ping');
    state.markAlive();
    expect(state.visit()).toBe('alive');
    expect(state.visit()).toBe('send-ping');
  });
});

describe('HeartbeatWheel', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('visits every member once per interval with one timer', () => {
    vi.useFakeTimers();
    const wheel = new HeartbeatWheel(800, 8);
    const members = Array.from({ length: 20 }, member);
    for (const m of members) wheel.add(m);
    expect(wheel.size).toBe(20);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(800);
    for (const m of members) expect(m.visits).toBe(1);
    vi.advanceTimersByTime(800);
    for (const m of members) expect(m.visits).toBe(2);
    wheel.clear();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives a new member a full interval before its first visit', () => {
    vi.useFakeTimers();
    const wheel = new HeartbeatWheel(800, 8);
    const first = member();
    wheel.add(first);
    vi.advanceTimersByTime(300);
    const late = member();
    wheel.add(late);
    vi.advanceTimersByTime(700);
    expect(late.visits).toBe(0);
    vi.advanceTimersByTime(100);
    expect(late.visits).toBe(1);
    wheel.clear();
  });

  it('stops its timer when the last member leaves and tolerates removal during a tick', () => {
    vi.useFakeTimers();
    const wheel = new HeartbeatWheel(100, 1);
    const a = member();
    const b: HeartbeatMember = {
      heartbeatSlot: -1,
      heartbeat() {
        wheel.remove(b);
        wheel.remove(a);
      },
    };
    wheel.add(b);
    wheel.add(a);
    vi.advanceTimersByTime(100);
    expect(wheel.size).toBe(0);
    expect(a.heartbeatSlot).toBe(-1);
    expect(vi.getTimerCount()).toBe(0);
    wheel.remove(a); // removing twice is harmless
    expect(wheel.size).toBe(0);
  });

  it('shares one wheel per interval across callers', () => {
    expect(sharedHeartbeatWheel(12345)).toBe(sharedHeartbeatWheel(12345));
    expect(sharedHeartbeatWheel(12345)).not.toBe(sharedHeartbeatWheel(54321));
  });

  it('rejects a non-positive interval as a bug', () => {
    expect(() => new HeartbeatWheel(0)).toThrow(RangeError);
  });
});
