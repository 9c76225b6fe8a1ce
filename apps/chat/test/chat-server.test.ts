import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChatServer, startChatServer } from '../src/chat-server.js';
import { rewriteRoomPath } from '../src/page-server.js';
import { LineClient } from './line-client.js';

let publicDir: string;
const servers: ChatServer[] = [];
const clients: LineClient[] = [];

beforeAll(() => {
  publicDir = mkdtempSync(join(tmpdir(), 'parley-chat-page-'));
  writeFileSync(join(publicDir, 'index.html'), '<!doctype html><title>Parley chat</title>');
  return () => rmSync(publicDir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function start(rate = { ratePerSecond: 100, burst: 100 }): Promise<ChatServer> {
  const started = await startChatServer({ port: 0, host: '127.0.0.1', publicDir, rateLimit: rate });
  if (!started.ok) throw new Error(started.error.message);
  servers.push(started.value);
  return started.value;
}

async function connect(url: string, protocols?: string[]): Promise<LineClient> {
  const client = await LineClient.connect(url, protocols);
  clients.push(client);
  return client;
}

describe('rewriteRoomPath', () => {
  it('moves a room in the path into the query', () => {
    expect(rewriteRoomPath('/chat/dev', '/chat')).toBe('/chat?room=dev');
    expect(rewriteRoomPath('/chat/dev?name=al', '/chat')).toBe('/chat?name=al&room=dev');
    expect(rewriteRoomPath('/chat', '/chat')).toBe('/chat');
    expect(rewriteRoomPath('/chat/', '/chat')).toBe('/chat/');
    expect(rewriteRoomPath('/other/x', '/chat')).toBe('/other/x');
    expect(rewriteRoomPath('/chat/%E0%A4%A', '/chat')).toBe('/chat/%E0%A4%A');
  });
});

describe('chat server over real sockets', () => {
  it('plain-text clients: `name: text` to everyone in the room, sender included, with notices', async () => {
    const server = await start();
    const alice = await connect(`${server.wsUrl}?name=alice`);
    await alice.waitFor('* alice joined lobby (1 online)');
    const bob = await connect(`${server.wsUrl}?name=bob`);
    await bob.waitFor('* bob joined lobby (2 online)');
    await alice.waitFor('* bob joined lobby (2 online)');
    alice.send('hello chat');
    expect(await bob.waitFor('alice: hello chat')).toBe('alice: hello chat');
    expect(await alice.waitFor('alice: hello chat')).toBe('alice: hello chat');
    await bob.close();
    expect(await alice.waitFor('* bob left lobby (1 online)')).toBeTruthy();
  });

  it('a room in the path (/chat/dev) is a separate room with its own history', async () => {
    const server = await start();
    const dev = await connect(`${server.wsUrl}/dev?name=carol`);
    await dev.waitFor('* carol joined dev (1 online)');
    const lobby = await connect(`${server.wsUrl}?name=dave`);
    await lobby.waitFor('* dave joined lobby (1 online)');
    dev.send('only in dev');
    await dev.waitFor('carol: only in dev');
    lobby.send('only in lobby');
    await lobby.waitFor('dave: only in lobby');
    const late = await connect(`${server.wsUrl}/dev?name=erin`);
    await late.waitFor('* erin joined dev (2 online)');
    expect(late.lines).toEqual(['carol: only in dev', '* erin joined dev (2 online)']);
    expect(lobby.lines).not.toContain('carol: only in dev');
  });

  it('parley-chat.v1 clients: welcome, join, say; a bad message gets an error and the connection stays up', async () => {
    const server = await start();
    const web = await connect(server.wsUrl, ['parley-chat.v1']);
    expect(web.protocol).toBe('parley-chat.v1');
    await web.waitForJson('welcome');
    web.send('{"type":"nope"}');
    expect(await web.waitForJson('error')).toMatchObject({ code: 'bad_message' });
    web.send({ type: 'join', room: 'lobby', nick: 'alice' });
    await web.waitForJson('joined', (m) => m.you === true);
    const plain = await connect(`${server.wsUrl}?name=wscat`);
    // join notices are batched: wscat may share one with alice's own
    await web.waitForJson(
      'joined',
      (m) => m.nick === 'wscat' || (m.nicks as string[] | undefined)?.includes('wscat') === true,
    );
    web.send({ type: 'say', text: 'hi from json' });
    expect(await plain.waitFor('alice: hi from json')).toBeTruthy();
    plain.send('hi from text');
    expect(await web.waitForJson('message', (m) => m.nick === 'wscat')).toMatchObject({
      type: 'message',
      room: 'lobby',
      text: 'hi from text',
    });
    expect(web.isOpen).toBe(true);
  });

  it('closes a flooding connection with 1008', async () => {
    const server = await start({ ratePerSecond: 5, burst: 5 });
    const flood = await connect(`${server.wsUrl}?name=flood`);
    await flood.waitFor((l) => l.startsWith('* flood joined'));
    for (let i = 0; i < 50; i++) flood.send(`spam ${i}`);
    expect(await flood.closed).toEqual({ code: 1008, reason: 'rate limit exceeded' });
  });

  it('serves the page and /health on the same port', async () => {
    const server = await start();
    const page = await fetch(server.pageUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Parley chat');
    const client = await connect(`${server.wsUrl}?name=h`);
    await client.waitFor((l) => l.startsWith('* h joined'));
    const health = await fetch(`${server.pageUrl}health`);
    expect(await health.json()).toMatchObject({ status: 'ok', rooms: 1, connections: 1, bus: 'memory' });
    expect((await fetch(`${server.pageUrl}nope`)).status).toBe(404);
  });

  it('stop() closes every client with 1001 "server shutting down"', async () => {
    const server = await start();
    const a = await connect(`${server.wsUrl}?name=a`);
    const b = await connect(server.wsUrl, ['parley-chat.v1']);
    await a.waitFor((l) => l.startsWith('* a joined'));
    await b.waitForJson('welcome');
    servers.splice(servers.indexOf(server), 1);
    await server.stop();
    expect(await a.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await b.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });
});
