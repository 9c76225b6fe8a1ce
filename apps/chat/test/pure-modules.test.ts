import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HistoryRing } from '../src/history-ring.js';
import { parseClientMessage, parseServerMessage } from '../src/protocol.js';
import { noticeLines, noticeMessages, PresenceNoticeBatcher } from '../src/presence-notices.js';
import { formatChatLine, renderServerMessage, renderTextLine } from '../src/render.js';
import { RoomDirectory } from '../src/room-directory.js';
import { TokenBucket } from '../src/token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst, then refuses until tokens refill', () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3 }, 1000);
    expect([bucket.take(1000), bucket.take(1000), bucket.take(1000), bucket.take(1000)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.take(1099)).toBe(false); // 0.99 token
    expect(bucket.take(1100)).toBe(true); // 100 ms at 10/s = one token
    expect(bucket.take(1100)).toBe(false);
  });

  it('never holds more than the burst', () => {
    const bucket = new TokenBucket({ ratePerSecond: 100, burst: 2 }, 0);
    const taken = [1, 2, 3].map(() => bucket.take(60_000));
    expect(taken).toEqual([true, true, false]);
  });

  it('a sustained rate at the limit is always allowed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 200 }), (rate, steps) => {
        const bucket = new TokenBucket({ ratePerSecond: rate, burst: 1 }, 0);
        for (let i = 1; i <= steps; i++) if (!bucket.take((i * 1000) / rate)) return false;
        return true;
      }),
    );
  });
});

describe('HistoryRing', () => {
  it('keeps the newest items, oldest first', () => {
    const ring = new HistoryRing<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.size).toBe(3);
    expect(ring.recent()).toEqual([3, 4, 5]);
    expect(ring.recent(2)).toEqual([4, 5]);
  });

  it('matches a plain array model for any push sequence', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.integer(), { maxLength: 200 }),
        (cap, items) => {
          const ring = new HistoryRing<number>(cap);
          for (const item of items) ring.push(item);
          expect(ring.recent()).toEqual(items.slice(-cap));
        },
      ),
    );
  });

  it('rejects a capacity below one', () => {
    expect(() => new HistoryRing(0)).toThrow(RangeError);
  });
});

describe('RoomDirectory', () => {
  it('keeps nicks unique per room, counts members, lists non-empty rooms', () => {
    const dir = new RoomDirectory();
    expect(dir.claim('lobby', 'alice')).toBe(true);
    expect(dir.claim('lobby', 'alice')).toBe(false);
    expect(dir.claim('dev', 'alice')).toBe(true);
    expect(dir.claim('lobby', 'bob')).toBe(true);
    expect(dir.online('lobby')).toBe(2);
    expect(dir.members('lobby')).toEqual(['alice', 'bob']);
    expect(dir.list()).toEqual([
      { name: 'dev', online: 1 },
      { name: 'lobby', online: 2 },
    ]);
    expect(dir.release('dev', 'alice')).toBe(true);
    expect(dir.release('dev', 'alice')).toBe(false);
    expect(dir.list()).toEqual([{ name: 'lobby', online: 2 }]);
  });
});

describe('parley-chat.v1 parsing', () => {
  it('accepts each client message type', () => {
    const messages = [
      { type: 'join', room: 'lobby', nick: 'alice' },
      { type: 'join', room: 'dev' },
      { type: 'leave' },
      { type: 'say', text: 'hi' },
      { type: 'typing' },
      { type: 'rooms' },
      { type: 'history' },
      { type: 'who' },
    ];
    for (const m of messages) expect(parseClientMessage(JSON.stringify(m))).toEqual({ ok: true, value: m });
  });

  it('names what is wrong with a bad message', () => {
    expect(parseClientMessage('{')).toEqual({ ok: false, code: 'bad_message', message: 'not JSON' });
    const badRoom = parseClientMessage('{"type":"join","room":"Bad Room!"}');
    expect(badRoom.ok).toBe(false);
    if (!badRoom.ok) expect(badRoom.message).toMatch(/^room: /);
    const unknown = parseClientMessage('{"type":"dance"}');
    expect(unknown.ok).toBe(false);
    const long = parseClientMessage(JSON.stringify({ type: 'say', text: 'x'.repeat(2001) }));
    expect(long).toMatchObject({ ok: false, code: 'text_too_long' });
    expect(parseClientMessage('{"type":"say","text":""}')).toMatchObject({ ok: false, code: 'bad_message' });
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (raw) => {
        const result = parseClientMessage(raw);
        expect(typeof result.ok).toBe('boolean');
        expect(parseServerMessage(raw) === null || typeof parseServerMessage(raw) === 'object').toBe(true);
      }),
    );
  });

  it('server renderings validate against the server schema', () => {
    const message = { room: 'lobby', nick: 'alice', text: 'hi', ts: 1, id: 'a-1' };
    const events = [
      { type: 'message', message } as const,
      { type: 'joined', room: 'lobby', nick: 'bob', online: 2 } as const,
      { type: 'left', room: 'lobby', nick: 'bob', online: 1 } as const,
      { type: 'typing', room: 'lobby', nick: 'bob' } as const,
    ];
    for (const event of events) {
      const rendered = renderServerMessage(event);
      expect(parseServerMessage(JSON.stringify(rendered))).toEqual(rendered);
    }
    expect(events.map(renderTextLine)).toEqual([
      'alice: hi',
      '* bob joined lobby (2 online)',
      '* bob left lobby (1 online)',
      null,
    ]);
    expect(formatChatLine('x', 'y: z')).toBe('x: y: z');
  });
});

describe('presence notice batches', () => {
  it('renders one line per kind, names up to five, and JSON with nicks when several', () => {
    const batch = { room: 'lobby', joined: new Set(['a', 'b']), left: new Set(['c']), online: 4 };
    expect(noticeLines(batch)).toEqual(['* a, b joined lobby (4 online)', '* c left lobby (4 online)']);
    expect(noticeMessages(batch)).toEqual([
      { type: 'joined', room: 'lobby', nick: 'a', nicks: ['a', 'b'], online: 4 },
      { type: 'left', room: 'lobby', nick: 'c', online: 4 },
    ]);
  });

  it('keeps net changes: leave+rejoin cancels, join+leave cancels', () => {
    const delivered: string[][] = [];
    const tasks: Array<() => void> = [];
    const batcher = new PresenceNoticeBatcher(
      (batch) => delivered.push(noticeLines(batch)),
      (task) => tasks.push(task),
    );
    batcher.add({ type: 'left', room: 'r', nick: 'x', online: 1 });
    batcher.add({ type: 'joined', room: 'r', nick: 'x', online: 2 });
    batcher.add({ type: 'joined', room: 'r', nick: 'y', online: 3 });
    batcher.add({ type: 'left', room: 'r', nick: 'y', online: 2 });
    expect(tasks).toHaveLength(1);
    tasks[0]!();
    expect(delivered).toEqual([]);
    batcher.add({ type: 'joined', room: 'r', nick: 'z', online: 3 });
    batcher.flush('r');
    expect(delivered).toEqual([['* z joined r (3 online)']]);
  });
});
