import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChatServer, startChatServer } from '../src/chat-server.js';
import { type RedisProcess, redisAvailable, startRedis } from './redis-process.js';
import { LineClient } from './line-client.js';

let redis: RedisProcess;
const servers: ChatServer[] = [];
const clients: LineClient[] = [];

async function startServer(serverId: string): Promise<ChatServer> {
  const started = await startChatServer({
    port: 0,
    publicDir: '/nonexistent',
    redisUrl: redis.url,
    serverId,
  });
  if (!started.ok) throw new Error(started.error.message);
  servers.push(started.value);
  return started.value;
}

async function connect(url: string, protocols?: string[]): Promise<LineClient> {
  const client = await LineClient.connect(url, protocols);
  clients.push(client);
  return client;
}

describe.skipIf(!redisAvailable)('two chat servers sharing rooms through a real Redis', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it('delivers across servers, shares history and counts presence globally', async () => {
    const a = await startServer('server-a-0000');
    const b = await startServer('server-b-0000');
    const alice = await connect(`${a.wsUrl}?name=alice`);
    await alice.waitFor('* alice joined lobby (1 online)');
    alice.send('posted on A before anyone else');
    await alice.waitFor('alice: posted on A before anyone else');

    // bob on server B: sees A's history, and A sees bob arrive with the global count
    const bob = await connect(`${b.wsUrl}?name=bob`);
    expect(await bob.waitFor((l) => l.includes('joined lobby'))).toBe('* bob joined lobby (2 online)');
    expect(bob.lines[0]).toBe('alice: posted on A before anyone else');
    await alice.waitFor('* bob joined lobby (2 online)');

    // cross-server delivery both ways, sender included
    alice.send('hello from A');
    bob.send('hello from B');
    await bob.waitFor('alice: hello from A');
    await alice.waitFor('bob: hello from B');
    await alice.waitFor('alice: hello from A');
    await bob.waitFor('bob: hello from B');

    // nicks are unique across servers
    const otherAlice = await connect(`${b.wsUrl}?name=alice`);
    expect(await otherAlice.waitFor((l) => l.startsWith('* you are'))).toBe('* you are alice-2');

    // presence over JSON on B lists users of both servers
    const web = await connect(b.wsUrl, ['parley-chat.v1']);
    expect(await web.waitForJson('welcome')).toMatchObject({ rooms: [{ name: 'lobby', online: 3 }] });
    web.send({ type: 'join', room: 'lobby', nick: 'carol' });
    expect(await web.waitForJson('presence')).toEqual({
      type: 'presence',
      room: 'lobby',
      users: ['alice', 'alice-2', 'bob', 'carol'],
    });
    const health = (await (await fetch(`${a.pageUrl}health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', rooms: 1, connections: 1, bus: 'redis' });

    // leaving on B is announced on A with the global count
    await bob.close();
    await alice.waitFor((l) => l.startsWith('* bob left lobby'));
  });

  it('a server that shuts down releases its presence', async () => {
    const a = await startServer('server-a-0001');
    const b = await startServer('server-b-0001');
    const onA = await connect(`${a.wsUrl}/ops?name=dora`);
    await onA.waitFor('* dora joined ops (1 online)');
    const onB = await connect(`${b.wsUrl}/ops?name=eve`);
    await onB.waitFor('* eve joined ops (2 online)');
    servers.splice(servers.indexOf(a), 1);
    await a.stop();
    expect(await onA.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await onB.waitFor((l) => l.startsWith('* dora left'))).toBe('* dora left ops (1 online)');
  });
});
