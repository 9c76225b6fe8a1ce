import * as net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientCloseInfo, ClientConfigInput, ClientError } from '../src/client/index.js';
import { readRequestHead, Resources, startRawServer, startWsEchoServer } from './client-fixtures.js';

const resources = new Resources();
afterEach(() => resources.closeAll());

function makeClient(config: ClientConfigInput) {
  return resources.createClient({ proxy: false, reconnect: { enabled: false }, ...config });
}

/** A port nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('client: failed handshakes end with a reason', () => {
  it('connection refused: error value, error event and a 1006 close saying so', async () => {
    const port = await closedPort();
    const client = makeClient({ url: `ws://127.0.0.1:${port}/` });
    const errors: ClientError[] = [];
    const closes: ClientCloseInfo[] = [];
    client.on('error', (e) => errors.push(e));
    client.on('close', (c) => closes.push(c));
    const result = await client.start();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('CONNECTION_REFUSED');
    expect(result.error.message).toMatch(/^connection refused/);
    expect(result.error.retries).toBe(0);
    expect(result.error.wait_time).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject({ code: 1006, wasClean: false, willReconnect: false });
    expect(closes[0]?.reason).toMatch(/^connection refused/);
    expect(client.readyState).toBe('closed');
  });

  it('auth rejection: the 401 status, headers and body reach the caller, and no retry happens', async () => {
    const server = await startWsEchoServer(resources, {
      verifyClient: (_info, done) => done(false, 401, 'Unauthorized', { 'WWW-Authenticate': 'Bearer' }),
    });
    let attempts = 0;
    server.server.prependListener('upgrade', () => attempts++);
    // reconnect ON: a 4xx refusal must still stop at once
    const client = makeClient({ url: server.url, reconnect: { enabled: true, min_wait: 1, max_wait: 2 } });
    const result = await client.start();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'HTTP_STATUS', http_status: 401 });
    expect(result.error.message).toBe('handshake: HTTP 401 Unauthorized');
    expect(result.error.body).toBe('Unauthorized');
    expect(result.error.headers?.['www-authenticate']).toBe('Bearer');
    expect(attempts).toBe(1);
  });

  it('a refusal with a body read up to Content-Length from a raw server', async () => {
    const { url } = await startRawServer(resources, (socket) => {
      void readRequestHead(socket).then(() => {
        socket.write(
          'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nno entry :(',
        );
        socket.write('\n'); // body completes in a second write
      });
    });
    const client = makeClient({ url });
    const result = await client.start();
    expect(!result.ok && result.error.body).toBe('no entry :(\n');
    expect(!result.ok && result.error.http_status).toBe(403);
  });

  it('a chunked refusal body is decoded; a body of unknown length is not waited for', async () => {
    const chunked = await startRawServer(resources, (socket) => {
      void readRequestHead(socket).then(() => {
        socket.write('HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
        socket.write('6\r\n world\r\n0\r\n\r\n');
      });
    });
    const first = await makeClient({ url: chunked.url }).start();
    expect(!first.ok && first.error.body).toBe('hello world');
    const open = await startRawServer(resources, (socket) => {
      // no Content-Length, no chunking, connection left open: the body ends only at EOF
      void readRequestHead(socket).then(() => socket.write('HTTP/1.1 200 OK\r\n\r\npartial'));
    });
    const second = await makeClient({ url: open.url, handshake_timeout: 0 }).start();
    expect(!second.ok && second.error.http_status).toBe(200);
  });

  it('a server that never answers the upgrade hits handshake_timeout', async () => {
    const { url } = await startRawServer(resources, () => {});
    const client = makeClient({ url, handshake_timeout: 100 });
    const closed = new Promise<ClientCloseInfo>((resolve) => client.on('close', resolve));
    const result = await client.start();
    expect(!result.ok && result.error.code).toBe('HANDSHAKE_TIMEOUT');
    expect((await closed).reason).toMatch(/^handshake timeout/);
  });

  it('garbage instead of an HTTP response is a clear handshake error', async () => {
    const { url } = await startRawServer(resources, (socket) => {
      void readRequestHead(socket).then(() => socket.write('SSH-2.0-OpenSSH_9.2\r\n\r\n'));
    });
    const client = makeClient({ url });
    const result = await client.start();
    expect(!result.ok && result.error.code).toBe('HANDSHAKE_FAILED');
    expect(!result.ok && result.error.message).toMatch(/^handshake: invalid HTTP response/);
  });

  it('an unbounded header block is cut off at the head limit, not buffered forever', async () => {
    let written = 0;
    const { url } = await startRawServer(resources, (socket) => {
      void readRequestHead(socket).then(() => {
        socket.write('HTTP/1.1 101 Switching Protocols\r\n');
        const line = `X-Filler: ${'a'.repeat(100)}\r\n`;
        const pump = (): void => {
          while (!socket.destroyed && written < 8 * 1024 * 1024) {
            written += line.length;
            if (!socket.write(line)) {
              socket.once('drain', pump);
              return;
            }
          }
        };
        pump();
      });
    });
    const client = makeClient({ url });
    const result = await client.start();
    expect(!result.ok && result.error.code).toBe('HANDSHAKE_FAILED');
    expect(!result.ok && result.error.message).toMatch(/head|header/i);
    expect(written).toBeLessThan(8 * 1024 * 1024);
  });

  it('a wrong Sec-WebSocket-Accept fails the handshake', async () => {
    const { url } = await startRawServer(resources, (socket) => {
      void readRequestHead(socket).then(() =>
        socket.write(
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
        ),
      );
    });
    const client = makeClient({ url });
    const result = await client.start();
    expect(!result.ok && result.error.code).toBe('HANDSHAKE_FAILED');
    expect(!result.ok && result.error.message).toMatch(/accept/i);
  });

  it('the server closing the socket mid-handshake is reported', async () => {
    const { url } = await startRawServer(resources, (socket) => {
      void readRequestHead(socket).then(() => socket.end('HTTP/1.1 101 Swi'));
    });
    const client = makeClient({ url });
    const result = await client.start();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(/closed the connection before the response head/);
  });

  it('close() while connecting abandons the attempt: start() resolves STOPPED, close is 1006', async () => {
    const { url } = await startRawServer(resources, () => {});
    const client = makeClient({ url, handshake_timeout: 0 });
    const closed = new Promise<ClientCloseInfo>((resolve) => client.on('close', resolve));
    const started = client.start();
    expect(client.close().ok).toBe(true);
    const result = await started;
    expect(!result.ok && result.error.code).toBe('STOPPED');
    expect(await closed).toMatchObject({ code: 1006, initiatedBy: 'local', wasClean: false });
    expect(client.readyState).toBe('closed');
  });
});
