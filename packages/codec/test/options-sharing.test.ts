import { describe, expect, it } from 'vitest';
import { resolveProtocolOptions, WebSocketProtocol } from '../src/index.js';

describe('resolveProtocolOptions sharing', () => {
  it('returns a frozen object with defaults filled in, and the same object when given it back', () => {
    const once = resolveProtocolOptions({ role: 'server', maxPayload: 4096 });
    expect(Object.isFrozen(once)).toBe(true);
    expect(once.maxPayload).toBe(4096);
    expect(once.maxFragments).toBe(100_000);
    expect(resolveProtocolOptions(once)).toBe(once);
  });

  it('resolves an equal-looking plain object afresh (only its own results are trusted)', () => {
    const once = resolveProtocolOptions({ role: 'client' });
    const lookalike = { ...once, maxPayload: -1 };
    const again = resolveProtocolOptions(lookalike);
    expect(again).not.toBe(lookalike);
    expect(again.maxPayload).toBe(100 * 1024 * 1024);
  });

  it('lets many connections share one resolved options object', () => {
    const shared = resolveProtocolOptions({ role: 'server' });
    const sink = { write() {}, message() {}, ping() {}, pong() {}, closed() {} };
    const a = new WebSocketProtocol(sink, shared);
    const b = new WebSocketProtocol(sink, shared);
    expect(a.options).toBe(shared);
    expect(b.options).toBe(shared);
  });
});
