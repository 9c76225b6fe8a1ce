import { once } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import {
  nextEvent,
  openClient,
  rawSocket,
  readAll,
  readUntil,
  startServer,
  upgradeRequest,
  wsClient,
} from './helpers/harness.js';
import { writeByteByByte } from './helpers/slow-writes.js';

/** Waits for ws's 'unexpected-response' and reads status, headers and body. */
async function rejection(
  client: WebSocket,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const [, response] = (await once(client, 'unexpected-response')) as [
    unknown,
    import('node:http').IncomingMessage,
  ];
  let body = '';
  for await (const chunk of response) body += String(chunk);
  client.on('error', () => {});
  return { status: response.statusCode ?? 0, headers: response.headers, body };
}

describe('validate hook', () => {
  it('rejects with the status, headers and body it chose', async () => {
    const { url } = await startServer(
      {},
      {
        validate: (request) =>
          request.headers.authorization === 'Bearer ok'
            ? undefined
            : { accept: false, status: 401, headers: { 'www-authenticate': 'Bearer' }, body: 'who are you?' },
      },
    );
    const denied = await rejection(wsClient(url));
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Bearer');
    expect(denied.body).toBe('who are you?');
    const allowed = await openClient(url, undefined, { headers: { authorization: 'Bearer ok' } });
    expect(allowed.readyState).toBe(1);
  });

  it('may be async, attach per-session data and add response headers', async () => {
    const { server, url } = await startServer<{ user: string }>(
      {},
      {
        async validate(request) {
          await Promise.resolve();
          return {
            accept: true,
            data: { user: request.query.get('user') ?? 'anon' },
            headers: { 'x-session-note': 'welcome' },
          };
        },
      },
    );
    const connected = nextEvent(server, 'connection');
    const client = wsClient(`${url}?user=ada`);
    const [response] = (await once(client, 'upgrade')) as [import('node:http').IncomingMessage];
    expect(response.headers['x-session-note']).toBe('welcome');
    const [session] = await connected;
    expect(session.data).toEqual({ user: 'ada' });
  });

  it('sees method, path, query, headers and remote address', async () => {
    const seen: unknown[] = [];
    const { url } = await startServer(
      {},
      {
        validate(request) {
          seen.push([
            request.method,
            request.path,
            request.query.get('a'),
            request.headers['x-k'],
            request.remoteAddress,
          ]);
          return true;
        },
      },
    );
    await openClient(`${url}?a=1`, undefined, { headers: { 'x-k': 'v' } });
    expect(seen).toEqual([['GET', '/', '1', 'v', '127.0.0.1']]);
  });

  it('false rejects with 403; a throwing async validate becomes 500', async () => {
    const first = await startServer({}, { validate: () => false });
    expect((await rejection(wsClient(first.url))).status).toBe(403);
    const second = await startServer({}, { validate: () => Promise.reject(new Error('db down')) });
    const failed = await rejection(wsClient(second.url));
    expect(failed.status).toBe(500);
    expect(failed.body).toContain('db down');
  });

  it('a validate slower than handshake_timeout is answered 408', async () => {
    const { url } = await startServer(
      { handshake_timeout: 50 },
      { validate: () => new Promise<undefined>(() => {}) },
    );
    expect((await rejection(wsClient(url))).status).toBe(408);
  });
});

describe('subprotocols', () => {
  it("picks by the server's preference among the offered protocols", async () => {
    const { server, url } = await startServer({ subprotocols: ['chat.v2', 'chat.v1'] });
    const connected = nextEvent(server, 'connection');
    const client = await openClient(url, ['chat.v1', 'chat.v2']);
    expect(client.protocol).toBe('chat.v2');
    const [session] = await connected;
    expect(session.protocol).toBe('chat.v2');
  });

  it('answers without a protocol when none matches, and validate may choose one', async () => {
    const { url } = await startServer({ subprotocols: ['x'] });
    const plain = await openClient(url, ['y']).catch((error: Error) => error);
    // ws refuses a server that ignores its offer, which proves the server selected nothing.
    expect(plain).toBeInstanceOf(Error);
    const chosen = await startServer(
      {},
      { validate: (request) => ({ accept: true, protocol: request.protocols[1] }) },
    );
    const client = await openClient(chosen.url, ['a', 'b']);
    expect(client.protocol).toBe('b');
  });
});

describe('refusals before the upgrade', () => {
  it('answers 404 on a path that is not served and serves extra routes', async () => {
    const { server, url } = await startServer({ path: '/chat' });
    server.route('/admin', { open: (session) => session.send('admin') });
    expect((await rejection(wsClient(url.replace('/chat', '/other')))).status).toBe(404);
    const admin = wsClient(url.replace('/chat', '/admin'));
    const [data] = (await once(admin, 'message')) as [Buffer];
    expect(data.toString()).toBe('admin');
  });

  it('answers 403 to an origin that is not allowed', async () => {
    const { url } = await startServer({ allowed_origins: ['https://good.example'] });
    expect((await rejection(wsClient(url, undefined, { origin: 'https://evil.example' }))).status).toBe(403);
    const good = await openClient(url, undefined, { origin: 'https://good.example' });
    expect(good.readyState).toBe(1);
  });

  it('answers 503 past max_connections and accepts again after a close', async () => {
    const { server, url } = await startServer({ max_connections: 1 });
    const first = await openClient(url);
    const refused = await rejection(wsClient(url));
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    const gone = nextEvent(server, 'disconnection');
    first.close();
    await gone;
    expect((await openClient(url)).readyState).toBe(1);
  });

  it('bounds handshakes in progress too: past max_connections of them, 503 at once', async () => {
    const { port } = await startServer({ max_connections: 2 });
    // Two handshakes that never finish; the server accepts connections in order, so both are
    // pending by the time it accepts the third.
    const stalled = await Promise.all([rawSocket(port), rawSocket(port)]);
    for (const socket of stalled) socket.write('GET / HTTP/1.1\r\n');
    const extra = await rawSocket(port);
    const refused = (await readAll(extra)).toString();
    expect(refused).toMatch(/^HTTP\/1\.1 503 /);
    expect(refused).toContain('too many handshakes in progress');
  });

  it('answers every handshake of a connection flood: 101 up to max_connections, 503 past it', async () => {
    const { port } = await startServer({ max_connections: 20 });
    const sockets = await Promise.all(Array.from({ length: 60 }, () => rawSocket(port)));
    const answers = await Promise.all(
      sockets.map((socket) => {
        socket.write(upgradeRequest('/'));
        return readUntil(socket, (data) => data.includes('\r\n\r\n')).then((data) =>
          data.toString().slice(9, 12),
        );
      }),
    );
    const counts = answers.reduce<Record<string, number>>((acc, status) => {
      acc[status] = (acc[status] ?? 0) + 1;
      return acc;
    }, {});
    expect(counts).toEqual({ '101': 20, '503': 40 });
  });

  it('answers a plain HTTP request with 426 by default', async () => {
    const { port } = await startServer();
    const socket = await rawSocket(port);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const response = (await readAll(socket)).toString();
    expect(response.startsWith('HTTP/1.1 426 ')).toBe(true);
    expect(response.toLowerCase()).toContain('upgrade: websocket');
  });

  it('answers plain HTTP requests with http_handler when given', async () => {
    const { port } = await startServer({
      http_handler: (request) => ({
        status: 200,
        headers: { 'content-type': 'text/plain' },
        body: `hi ${request.path}`,
      }),
    });
    const socket = await rawSocket(port);
    socket.write('GET /health?x=1 HTTP/1.1\r\nHost: x\r\n\r\n');
    const response = (await readAll(socket)).toString();
    expect(response.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(response.endsWith('\r\n\r\nhi /health')).toBe(true);
  });

  it('closes a stalled handshake with 408 after handshake_timeout', async () => {
    const { port } = await startServer({ handshake_timeout: 50 });
    const socket = await rawSocket(port);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n'); // never finishes the head
    const response = (await readAll(socket)).toString();
    expect(response.startsWith('HTTP/1.1 408 ')).toBe(true);
  });

  it('answers 431 to a head over max_head_size without waiting for the rest', async () => {
    const { port } = await startServer({ max_head_size: 1024 });
    const socket = await rawSocket(port);
    socket.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4000)}`);
    const response = (await readAll(socket)).toString();
    expect(response.startsWith('HTTP/1.1 431 ')).toBe(true);
  });

  it('answers 431 to too many header lines', async () => {
    const { port } = await startServer({ max_headers: 10 });
    const socket = await rawSocket(port);
    const extra = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`x-h${i}`, 'v']));
    socket.write(upgradeRequest('/', extra));
    const response = (await readAll(socket)).toString();
    expect(response.startsWith('HTTP/1.1 431 ')).toBe(true);
  });

  it('answers 400 to a malformed Sec-WebSocket-Extensions header', async () => {
    const { port } = await startServer({ per_message_deflate: true });
    const socket = await rawSocket(port);
    socket.write(upgradeRequest('/', { 'Sec-WebSocket-Extensions': 'permessage-deflate; ;;=,' }));
    const response = (await readUntil(socket, (d) => d.includes('\r\n\r\n'))).toString();
    expect(response.startsWith('HTTP/1.1 400 ')).toBe(true);
  });

  it('answers 400 to a huge Sec-WebSocket-Protocol header', async () => {
    const { port } = await startServer();
    const socket = await rawSocket(port);
    const protocols = Array.from({ length: 700 }, (_, i) => `p${i}`).join(', '); // ~5 KB, 700 names
    socket.write(upgradeRequest('/', { 'Sec-WebSocket-Protocol': protocols }));
    const response = (await readUntil(socket, (d) => d.includes('\r\n\r\n'))).toString();
    expect(response.startsWith('HTTP/1.1 400 ')).toBe(true);
  });

  it('keeps serving other clients while one handshake is refused', async () => {
    const { port, url } = await startServer({ max_head_size: 1024 });
    const bad = await rawSocket(port);
    bad.write(`GET / HTTP/1.1\r\nX: ${'a'.repeat(5000)}`);
    const good = await openClient(url);
    expect(good.readyState).toBe(1);
    expect((await readAll(bad)).toString()).toMatch(/^HTTP\/1\.1 431 /);
  });
});

describe('slow senders', () => {
  it('completes a handshake whose request arrives one byte per write', async () => {
    const { server, port } = await startServer();
    const connected = nextEvent(server, 'connection');
    const socket = await rawSocket(port);
    socket.setNoDelay(true);
    await writeByteByByte(socket, Buffer.from(upgradeRequest('/?slow=1')));
    const response = await readUntil(socket, (data) => data.includes('\r\n\r\n'));
    expect(response.toString().startsWith('HTTP/1.1 101 ')).toBe(true);
    const [session] = await connected;
    expect(session.query.get('slow')).toBe('1');
  });

  it('buffers a head that trickles in without copying everything received per chunk', async () => {
    const { server, port } = await startServer();
    const connected = nextEvent(server, 'connection');
    const socket = await rawSocket(port);
    socket.setNoDelay(true);
    // ~6 KB of headers, one byte per write: the old code concatenated the whole buffer on
    // every chunk (quadratic: ~18 MB copied here); growing by doubling copies ~12 KB.
    const padding = Array.from({ length: 60 }, (_, i) => `X-Pad-${i}: ${'p'.repeat(90)}\r\n`).join('');
    const request = Buffer.from(upgradeRequest('/?trickle=1').replace('\r\n\r\n', `\r\n${padding}\r\n`));
    expect(request.length).toBeGreaterThan(6000);
    const concat = vi.spyOn(Buffer, 'concat');
    let concatCalls = 0;
    try {
      await writeByteByByte(socket, request);
      const response = await readUntil(socket, (data) => data.includes('\r\n\r\n'));
      expect(response.toString().startsWith('HTTP/1.1 101 ')).toBe(true);
      const [session] = await connected;
      expect(session.query.get('trickle')).toBe('1');
      expect(session.headers['x-pad-59']).toBe('p'.repeat(90));
      concatCalls = concat.mock.calls.length;
    } finally {
      concat.mockRestore();
    }
    // Nothing on the server's handshake path concatenates per chunk any more.
    expect(concatCalls).toBeLessThan(10);
  });
});
