import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RoomEvent } from '../src/bus.js';
import { ChatService } from '../src/chat-service.js';
import { RedisBus } from '../src/redis-bus.js';
import { RecordingPeer, SetFanout } from './fake-fanout.js';
import { type RedisProcess, redisAvailable, startRedis } from './redis-process.js';

/** The private fields a crash simulation needs to reach. */
interface CrashableInternals {
  heartbeat: NodeJS.Timeout | null;
  command: { disconnect(): void };
  subscriber: { disconnect(): void };
}

let redis: RedisProcess;
const buses: RedisBus[] = [];
let prefixCounter = 0;

async function connect(prefix: string, serverId: string, heartbeatMs = 5_000): Promise<RedisBus> {
  const result = await RedisBus.connect({ url: redis.url, prefix, serverId, heartbeatMs });
  if (!result.ok) throw new Error(result.error.message);
  buses.push(result.value);
  return result.value;
}

function nextEvent(bus: RedisBus, predicate: (e: RoomEvent) => boolean): Promise<RoomEvent> {
  return new Promise((resolve) => bus.onEvent((e) => predicate(e) && resolve(e)));
}

/** Resolves once `peer` has received a line matching `predicate`. */
function waitForLine(peer: RecordingPeer, predicate: (line: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const found = peer.received.find(predicate);
    if (found !== undefined) return resolve(found);
    const original = peer.send.bind(peer);
    peer.send = (data: string) => {
      original(data);
      if (predicate(data)) resolve(data);
    };
  });
}

describe.skipIf(!redisAvailable)('RedisBus against a real redis-server', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  it('reports an unreachable Redis as a value', async () => {
    const result = await RedisBus.connect({ url: 'redis://127.0.0.1:1' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('REDIS_UNAVAILABLE');
  });

  it('claims nicks across servers, counts presence globally, shares history', async () => {
    const prefix = `t${++prefixCounter}:`;
    const a = await connect(prefix, 'server-a');
    const b = await connect(prefix, 'server-b');
    expect(await a.claimNick('lobby', 'alice')).toBe(1);
    expect(await b.claimNick('lobby', 'alice')).toBeNull();
    expect(await b.claimNick('lobby', 'bob')).toBe(2);
    expect(await a.members('lobby')).toEqual(['alice', 'bob']);
    expect(await b.rooms()).toEqual([{ name: 'lobby', online: 2 }]);
    for (let i = 0; i < 55; i++)
      a.appendHistory({ room: 'lobby', nick: 'alice', text: `m${i}`, ts: i, id: `a-${i}` });
    // appendHistory is fire and forget on a's connection; b reads on another one. A round trip
    // on a's connection returns after Redis has run every append sent before it.
    await a.members('lobby');
    const history = await b.history('lobby');
    expect(history).toHaveLength(50);
    expect(history[0]?.text).toBe('m5');
    expect(history[49]?.text).toBe('m54');
    expect(await a.releaseNick('lobby', 'alice')).toBe(1);
    // b cannot release a nick a holds: ownership is per server.
    expect(await b.claimNick('lobby', 'carol')).toBe(2);
    expect(await a.releaseNick('lobby', 'carol')).toBe(2);
  });

  it('delivers events to other servers, and to itself only once (locally)', async () => {
    const prefix = `t${++prefixCounter}:`;
    const a = await connect(prefix, 'server-a');
    const b = await connect(prefix, 'server-b');
    const seenByA: RoomEvent[] = [];
    a.onEvent((e) => seenByA.push(e));
    const atB = nextEvent(b, (e) => e.type === 'typing');
    a.publish({ type: 'typing', room: 'lobby', nick: 'alice' });
    expect(await atB).toEqual({ type: 'typing', room: 'lobby', nick: 'alice' });
    // a round trip through Redis on a's own connection orders after its publish
    await a.members('lobby');
    expect(seenByA).toEqual([{ type: 'typing', room: 'lobby', nick: 'alice' }]);
  });

  it("sweeps a crashed server's presence and announces the departures", async () => {
    const prefix = `t${++prefixCounter}:`;
    const crashed = await connect(prefix, 'server-crashed', 50);
    expect(await crashed.claimNick('lobby', 'ghost')).toBe(1);
    // Simulate a crash: stop heartbeats and drop the connections without any cleanup.
    const internals = crashed as unknown as CrashableInternals;
    if (internals.heartbeat) clearInterval(internals.heartbeat);
    internals.command.disconnect();
    internals.subscriber.disconnect();
    buses.splice(buses.indexOf(crashed), 1);
    const survivor = await connect(prefix, 'server-live');
    const left = nextEvent(survivor, (e) => e.type === 'left');
    // The crashed server's alive key expires 150 ms after its last beat; sweep until it is gone.
    let removed = 0;
    while (removed === 0) removed = await survivor.sweepDeadServers();
    expect(removed).toBe(1);
    expect(await left).toEqual({ type: 'left', room: 'lobby', nick: 'ghost', online: 0 });
    expect(await survivor.claimNick('lobby', 'ghost')).toBe(1);
  });

  it('two chat services on two servers share a room: delivery, history and counts', async () => {
    const prefix = `t${++prefixCounter}:`;
    const busA = await connect(prefix, 'server-a');
    const busB = await connect(prefix, 'server-b');
    const chatA = new ChatService(busA, new SetFanout());
    const chatB = new ChatService(busB, new SetFanout());
    const alice = new RecordingPeer('alice');
    const bob = new RecordingPeer('bob');
    const a = chatA.open(alice, 'text', { nick: 'alice' });
    await waitForLine(alice, (l) => l.startsWith('* alice joined'));
    chatA.receive(a, 'first, before bob');
    chatB.open(bob, 'text', { nick: 'bob' });
    expect(await waitForLine(bob, (l) => l.startsWith('* bob joined'))).toBe('* bob joined lobby (2 online)');
    expect(bob.received[0]).toBe('alice: first, before bob');
    expect(await waitForLine(alice, (l) => l.startsWith('* bob joined'))).toBe(
      '* bob joined lobby (2 online)',
    );
    chatA.receive(a, 'hello from A');
    expect(await waitForLine(bob, (l) => l === 'alice: hello from A')).toBe('alice: hello from A');
  });
});
