import { describe, expect, it } from 'vitest';
import { ChatService } from '../src/chat-service.js';
import { MemoryBus } from '../src/memory-bus.js';
import { RecordingPeer, SetFanout, settle } from './fake-fanout.js';

function setup(options: { rate?: number; burst?: number } = {}) {
  let clock = 1_000_000;
  const bus = new MemoryBus({ serverId: 'server-a', historySize: 50 });
  const fanout = new SetFanout();
  const chat = new ChatService(bus, fanout, {
    now: () => clock,
    rateLimit: { ratePerSecond: options.rate ?? 10, burst: options.burst ?? 30 },
    // notices go out at the end of the turn, so `settle()` sees them
    schedule: (task) => setImmediate(task),
  });
  return { chat, bus, fanout, advance: (ms: number) => (clock += ms) };
}

describe('ChatService, plain-text clients', () => {
  it('joins the default room, announces with counts and broadcasts `nick: text` to all, sender included', async () => {
    const { chat } = setup();
    const alice = new RecordingPeer('alice');
    const bob = new RecordingPeer('bob');
    const a = chat.open(alice, 'text', { nick: 'alice' });
    await settle();
    const b = chat.open(bob, 'text', { nick: 'bob' });
    await settle();
    chat.receive(a, 'hello chat');
    chat.receive(b, 'hi alice');
    expect(alice.received).toEqual([
      '* alice joined lobby (1 online)',
      '* bob joined lobby (2 online)',
      'alice: hello chat',
      'bob: hi alice',
    ]);
    expect(bob.received).toEqual(['* bob joined lobby (2 online)', 'alice: hello chat', 'bob: hi alice']);
    chat.closed(b);
    await settle();
    expect(alice.received.at(-1)).toBe('* bob left lobby (1 online)');
    expect(chat.connections).toBe(1);
  });

  it('replays the last 50 messages of the room to a newcomer', async () => {
    const { chat } = setup({ burst: 100 });
    const alice = new RecordingPeer('alice');
    const a = chat.open(alice, 'text', { nick: 'alice' });
    await settle();
    for (let i = 1; i <= 60; i++) chat.receive(a, `line ${i}`);
    const carol = new RecordingPeer('carol');
    chat.open(carol, 'text', { nick: 'carol' });
    await settle();
    expect(carol.received).toHaveLength(51);
    expect(carol.received[0]).toBe('alice: line 11');
    expect(carol.received[49]).toBe('alice: line 60');
    expect(carol.received[50]).toBe('* carol joined lobby (2 online)');
  });

  it('keeps nicks unique per room: a second alice becomes alice-2, another room may reuse it', async () => {
    const { chat } = setup();
    const first = new RecordingPeer('1');
    const second = new RecordingPeer('2');
    const third = new RecordingPeer('3');
    chat.open(first, 'text', { nick: 'alice' });
    await settle();
    chat.open(second, 'text', { nick: 'alice' });
    chat.open(third, 'text', { nick: 'alice', room: 'dev' });
    await settle();
    expect(second.received).toEqual(['* you are alice-2', '* alice-2 joined lobby (2 online)']);
    expect(third.received).toEqual(['* alice joined dev (1 online)']);
  });

  it('names nickless clients guest-XXXX and ignores an invalid room hint', async () => {
    const { chat } = setup();
    const peer = new RecordingPeer('anon');
    chat.open(peer, 'text', { room: 'NOT A ROOM' });
    await settle();
    expect(peer.received[0]).toMatch(/^\* you are guest-[0-9a-f]{4}$/);
    expect(peer.received[1]).toMatch(/^\* guest-[0-9a-f]{4} joined lobby \(1 online\)$/);
  });

  it('closes a flooding connection with 1008 and lets a paced one through', async () => {
    const { chat, advance } = setup({ rate: 5, burst: 3 });
    const flood = new RecordingPeer('flood');
    const paced = new RecordingPeer('paced');
    const f = chat.open(flood, 'text', { nick: 'flood' });
    const p = chat.open(paced, 'text', { nick: 'paced' });
    await settle();
    for (let i = 0; i < 4; i++) chat.receive(f, `spam ${i}`);
    expect(flood.closedWith).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    for (let i = 0; i < 10; i++) {
      advance(200);
      chat.receive(p, `ok ${i}`);
    }
    expect(paced.closedWith).toBeNull();
    expect(paced.received.filter((l) => l.startsWith('paced: ok'))).toHaveLength(10);
  });

  it('refuses over-long lines with an error line and keeps the connection', async () => {
    const { chat } = setup();
    const peer = new RecordingPeer('p');
    const s = chat.open(peer, 'text', { nick: 'p' });
    await settle();
    chat.receive(s, 'x'.repeat(2001));
    chat.receive(s, 'short');
    expect(peer.received.slice(1)).toEqual(['* error: messages are at most 2000 characters', 'p: short']);
    expect(peer.closedWith).toBeNull();
  });

  it('shutdown closes every client with 1001', async () => {
    const { chat } = setup();
    const peers = [new RecordingPeer('a'), new RecordingPeer('b')];
    for (const peer of peers) chat.open(peer, 'text', {});
    await settle();
    chat.shutdown();
    expect(peers.map((p) => p.closedWith)).toEqual([
      { code: 1001, reason: 'server shutting down' },
      { code: 1001, reason: 'server shutting down' },
    ]);
  });
});

describe('ChatService, join/leave notice batching', () => {
  it('a wave of joins in one turn becomes one notice per receiver, with net changes only', async () => {
    const { chat } = setup();
    const first = new RecordingPeer('first');
    chat.open(first, 'text', { nick: 'first' });
    await settle();
    const wave = Array.from({ length: 8 }, (_, i) => new RecordingPeer(`p${i}`));
    const sessions = wave.map((peer, i) => chat.open(peer, 'text', { nick: `p${i}` }));
    chat.closed(sessions[7]!); // joins and leaves within the same turn: no notice at all
    await settle();
    expect(first.received).toEqual([
      '* first joined lobby (1 online)',
      '* p0, p1, p2, p3, p4 and 2 others joined lobby (8 online)',
    ]);
    expect(wave[0]!.received).toEqual(['* p0, p1, p2, p3, p4 and 2 others joined lobby (8 online)']);
  });

  it('a message flushes pending notices first, so nobody speaks before joining', async () => {
    const { chat } = setup();
    const alice = new RecordingPeer('alice');
    chat.open(alice, 'text', { nick: 'alice' });
    await settle();
    const bob = new RecordingPeer('bob');
    const b = chat.open(bob, 'text', { nick: 'bob' });
    for (let i = 0; i < 10; i++) await Promise.resolve(); // join done, notice not yet flushed
    chat.receive(b, 'hi');
    expect(alice.received.slice(-2)).toEqual(['* bob joined lobby (2 online)', 'bob: hi']);
  });
});

describe('ChatService, parley-chat.v1 clients', () => {
  it('welcomes, joins on request with history + presence, and sees text clients in the same room', async () => {
    const { chat } = setup();
    const text = new RecordingPeer('text');
    const t = chat.open(text, 'text', { nick: 'wscat' });
    await settle();
    chat.receive(t, 'before');
    const web = new RecordingPeer('web');
    const w = chat.open(web, 'json');
    await settle();
    expect(web.json()[0]).toMatchObject({
      type: 'welcome',
      protocol: 'parley-chat.v1',
      rooms: [{ name: 'lobby', online: 1 }],
    });
    chat.receive(w, JSON.stringify({ type: 'join', room: 'lobby', nick: 'alice' }));
    await settle();
    chat.receive(w, JSON.stringify({ type: 'say', text: 'hello' }));
    chat.receive(w, JSON.stringify({ type: 'typing' }));
    const types = web.json().map((m) => m.type);
    // the second `joined` is the room's notice, which reaches the newcomer too
    expect(types).toEqual(['welcome', 'history', 'joined', 'presence', 'joined', 'message', 'typing']);
    expect(web.json()[1]).toMatchObject({ messages: [{ nick: 'wscat', text: 'before', room: 'lobby' }] });
    expect(web.json()[2]).toMatchObject({ nick: 'alice', online: 2, you: true });
    expect(web.json()[3]).toEqual({ type: 'presence', room: 'lobby', users: ['alice', 'wscat'] });
    expect(web.json()[4]).toEqual({ type: 'joined', room: 'lobby', nick: 'alice', online: 2 });
    expect(web.json()[5]).toMatchObject({ type: 'message', nick: 'alice', text: 'hello', ts: 1_000_000 });
    expect(text.received.slice(1)).toEqual([
      'wscat: before',
      '* alice joined lobby (2 online)',
      'alice: hello',
    ]);
  });

  it('answers a bad message with an error and stays up', async () => {
    const { chat } = setup();
    const web = new RecordingPeer('web');
    const w = chat.open(web, 'json');
    await settle();
    chat.receive(w, 'not json');
    chat.receive(w, JSON.stringify({ type: 'say', text: 'too early' }));
    chat.receive(w, JSON.stringify({ type: 'join', room: 'lobby' }));
    chat.receive(w, JSON.stringify({ type: 'history' }));
    chat.receive(w, 'bytes', true);
    const errors = web
      .json()
      .filter((m) => m.type === 'error')
      .map((m) => m.code);
    expect(errors).toEqual(['bad_message', 'not_joined', 'bad_nick', 'not_joined', 'bad_message']);
    expect(web.closedWith).toBeNull();
  });

  it('refuses a taken nick, switches rooms, lists rooms and answers history', async () => {
    const { chat } = setup();
    const a = new RecordingPeer('a');
    const b = new RecordingPeer('b');
    const sa = chat.open(a, 'json', { nick: 'alice' });
    const sb = chat.open(b, 'json');
    await settle();
    chat.receive(sb, JSON.stringify({ type: 'join', room: 'lobby', nick: 'alice' }));
    await settle();
    expect(b.json().at(-1)).toMatchObject({ type: 'error', code: 'nick_taken' });
    chat.receive(sb, JSON.stringify({ type: 'join', room: 'lobby', nick: 'bob' }));
    await settle();
    chat.receive(sa, JSON.stringify({ type: 'say', text: 'one' }));
    chat.receive(sa, JSON.stringify({ type: 'join', room: 'dev' }));
    await settle();
    expect(b.json().slice(-2)).toEqual([
      expect.objectContaining({ type: 'message', text: 'one' }),
      { type: 'left', room: 'lobby', nick: 'alice', online: 1 },
    ]);
    chat.receive(sb, JSON.stringify({ type: 'rooms' }));
    chat.receive(sb, JSON.stringify({ type: 'history' }));
    chat.receive(sb, JSON.stringify({ type: 'who' }));
    await settle();
    const [rooms, history, who] = b.json().slice(-3);
    expect(who).toEqual({ type: 'presence', room: 'lobby', users: ['bob'] });
    expect(rooms).toEqual({
      type: 'rooms',
      list: [
        { name: 'dev', online: 1 },
        { name: 'lobby', online: 1 },
      ],
    });
    expect(history).toMatchObject({ type: 'history', room: 'lobby', messages: [{ text: 'one' }] });
    chat.receive(sb, JSON.stringify({ type: 'leave' }));
    await settle();
    chat.receive(sb, JSON.stringify({ type: 'say', text: 'gone' }));
    expect(b.json().at(-1)).toMatchObject({ type: 'error', code: 'not_joined' });
  });

  it('messages sent while a join is in flight are delivered after it', async () => {
    const { chat } = setup();
    const web = new RecordingPeer('web');
    const w = chat.open(web, 'json');
    await settle();
    chat.receive(w, JSON.stringify({ type: 'join', room: 'lobby', nick: 'quick' }));
    chat.receive(w, JSON.stringify({ type: 'say', text: 'right away' }));
    await settle();
    expect(web.json().at(-1)).toMatchObject({ type: 'message', nick: 'quick', text: 'right away' });
  });
});

/**
 * A bus whose next history read is held until `release()`: the gap between reading a room's
 * history and subscribing the newcomer, which a Redis round trip opens. The answer is the
 * history as it was when the read was asked for (`snapshot: 'asked'`) or when it was released.
 */
class HeldHistoryBus extends MemoryBus {
  holdNext = false;
  snapshot: 'asked' | 'released' = 'asked';
  private releaseHeld: (() => void) | null = null;

  override async history(room: string) {
    if (!this.holdNext) return super.history(room);
    this.holdNext = false;
    const asked = await super.history(room);
    await new Promise<void>((resolve) => (this.releaseHeld = resolve));
    return this.snapshot === 'asked' ? asked : super.history(room);
  }

  get holding(): boolean {
    return this.releaseHeld !== null;
  }

  release(): void {
    this.releaseHeld?.();
    this.releaseHeld = null;
  }
}

describe('ChatService, a message posted while a newcomer reads the history', () => {
  async function joinDuringMessage(format: 'text' | 'json', snapshot: 'asked' | 'released') {
    const bus = new HeldHistoryBus({ serverId: 'server-a', historySize: 50 });
    bus.snapshot = snapshot;
    const chat = new ChatService(bus, new SetFanout(), { schedule: (task) => setImmediate(task) });
    const alice = new RecordingPeer('alice');
    const a = chat.open(alice, 'text', { nick: 'alice' });
    await settle();
    chat.receive(a, 'before the join');
    bus.holdNext = true;
    const carol = new RecordingPeer('carol');
    const c = chat.open(carol, format, format === 'text' ? { nick: 'carol' } : {});
    if (format === 'json') chat.receive(c, JSON.stringify({ type: 'join', room: 'lobby', nick: 'carol' }));
    await settle();
    expect(bus.holding).toBe(true);
    chat.receive(a, 'during the join');
    bus.release();
    await settle();
    chat.receive(a, 'after the join');
    return carol;
  }

  for (const snapshot of ['asked', 'released'] as const) {
    it(`reaches a text newcomer exactly once, in order (history read ${snapshot === 'asked' ? 'before' : 'after'} it)`, async () => {
      const carol = await joinDuringMessage('text', snapshot);
      expect(carol.received).toEqual([
        'alice: before the join',
        'alice: during the join',
        '* carol joined lobby (2 online)',
        'alice: after the join',
      ]);
    });
  }

  it('is part of a JSON newcomer’s history', async () => {
    const carol = await joinDuringMessage('json', 'asked');
    const history = carol.json().find((m) => m.type === 'history') as { messages: { text: string }[] };
    expect(history.messages.map((m) => m.text)).toEqual(['before the join', 'during the join']);
    expect(
      carol
        .json()
        .filter((m) => m.type === 'message')
        .map((m) => m.text),
    ).toEqual(['after the join']);
  });
});
