import { describe, expect, it } from 'vitest';
import { createServer, type Session } from '../src/index.js';
import { closedWith, nextEvent, nextMessage, openClient, startServer } from './helpers/harness.js';

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
