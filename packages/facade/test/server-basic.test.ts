import { describe, expect, it } from 'vitest';
import { createServer, type Session } from '../src/index.js';
import { once } from 'node:events';
import {
  closedWith,
  nextEvent,
  nextMessage,
  openClient,
  startServer,
  track,
  wsClient,
} from './helpers/harness.js';

describe('createServer', () => {
  it('returns a ConfigError value for a bad config', () => {
    const created = createServer({ port: -1, path: 'nope' });
    expect(created.ok).toBe(false);
    if (created.ok) return;
    expect(created.error.issues.map((i) => i.path).sort()).toEqual(['path', 'port']);
  });

  it('reports a port in use as an error value naming the port', async () => {
    const { port } = await startServer();
    const second = createServer({ host: '127.0.0.1', port });
    if (!second.ok) throw new Error('config');
    const started = await second.value.start();
    expect(started.ok).toBe(false);
    if (started.ok) return;
    expect(started.error.code).toBe('EADDRINUSE');
    expect(started.error.message).toContain(String(port));
  });
});

describe('echo over loopback with the ws client', () => {
  it('echoes text as text and binary as binary, one call per message', async () => {
    const seen: Array<[string | Buffer, boolean]> = [];
    const { url } = await startServer(
      {},
      {
        message(session, data, binary) {
          seen.push([data, binary]);
          session.send(data, { binary });
        },
      },
    );
    const client = await openClient(url);
    client.send('héllo');
    const text = await nextMessage(client);
    expect(text.isBinary).toBe(false);
    expect(text.data.toString()).toBe('héllo');
    client.send(Buffer.from([1, 2, 3]));
    const binary = await nextMessage(client);
    expect(binary.isBinary).toBe(true);
    expect([...binary.data]).toEqual([1, 2, 3]);
    expect(seen).toEqual([
      ['héllo', false],
      [Buffer.from([1, 2, 3]), true],
    ]);
  });

  it('exposes session details and a typed SendResult', async () => {
    let captured: Session | null = null;
    const { server, url, port } = await startServer({ server_id: 'srv' });
    server.on('connection', (session) => {
      captured = session;
    });
    const client = await openClient(`${url}?room=blue`, undefined, { headers: { 'x-token': 'abc' } });
    const session = captured as Session | null;
    expect(session).not.toBeNull();
    if (session === null) return;
    expect(session.id.startsWith('srv-')).toBe(true);
    expect(session.path).toBe('/');
    expect(session.query.get('room')).toBe('blue');
    expect(session.headers['x-token']).toBe('abc');
    expect(session.remoteAddress).toBe('127.0.0.1');
    expect(session.remotePort).toBeGreaterThan(0);
    expect(session.readyState).toBe(1);
    expect(server.sessions.get(session.id)).toBe(session);
    const received = nextMessage(client);
    const sent = session.send('x'.repeat(200));
    expect(sent.ok).toBe(true);
    if (!sent.ok) return;
    expect(sent.value.outcome).toBe('sent');
    expect(sent.value.payloadSize).toBe(200);
    expect(sent.value.wireSize).toBe(204);
    expect((await received).data.length).toBe(200);
    expect(port).toBeGreaterThan(0);
  });

  it('reports disconnection with code, reason and wasClean', async () => {
    const { server, url } = await startServer();
    const client = await openClient(url);
    const disconnected = nextEvent(server, 'disconnection');
    client.close(4001, 'bye');
    const [session, details] = await disconnected;
    expect(details.code).toBe(4001);
    expect(details.reason).toBe('bye');
    expect(details.wasClean).toBe(true);
    expect(details.diagnostic).toBe('closed by peer');
    expect(server.sessions.has(session.id)).toBe(false);
  });

  it('closes a session from the server with a code the client sees', async () => {
    const { url } = await startServer({}, { open: (session) => session.close(4000, 'go away') });
    const client = await openClient(url);
    expect(await closedWith(client)).toEqual({ code: 4000, reason: 'go away' });
  });
});

describe('server lifecycle details', () => {
  it("emits 'listening' with the address and exposes url()", async () => {
    const created = createServer({ host: '127.0.0.1', port: 0, path: '/p' });
    if (!created.ok) throw new Error('config');
    const server = created.value;
    track(server as never);
    const listening = nextEvent(server, 'listening');
    const started = await server.start();
    const [address] = await listening;
    expect(started.ok && started.value).toEqual(address);
    expect(address).toMatchObject({ address: '127.0.0.1', family: 'IPv4', secure: false });
    expect(server.url()).toBe(`ws://127.0.0.1:${address.port}/p`);
    const again = await server.start();
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.code).toBe('ALREADY_STARTED');
  });

  it('route handlers run their own validate and open', async () => {
    const { server, url } = await startServer();
    server.route('/vip', {
      validate: (request) => request.query.get('pass') === 'yes',
      open: (session) => session.send(`welcome to ${session.path}`),
    });
    const base = url.replace(/\/$/, '');
    const denied = wsClient(`${base}/vip`);
    const [, response] = (await once(denied, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(403);
    denied.on('error', () => {});
    const vip = wsClient(`${base}/vip?pass=yes`);
    const [greeting] = (await once(vip, 'message')) as [Buffer];
    expect(greeting.toString()).toBe('welcome to /vip');
  });

  it('events() can be iterated again after a consumer stops', async () => {
    const { server, url } = await startServer();
    const first = server.events();
    await openClient(url);
    for await (const event of first) {
      expect(event.type).toBe('connection');
      break;
    }
    const second = server.events();
    expect(second).not.toBe(first);
    await openClient(url);
    const next = await second.next();
    expect(next.done === false && next.value.type).toBe('connection');
  });
});
