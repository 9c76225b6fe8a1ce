import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClientCloseInfo,
  type ClientConfigInput,
  createClient,
  type OpenInfo,
} from '../src/client/index.js';
import { nextEvent, Resources, startWsEchoServer } from './client-fixtures.js';

const resources = new Resources();
afterEach(() => resources.closeAll());

function makeClient(config: ClientConfigInput) {
  return resources.createClient({ proxy: false, ...config });
}

describe('createClient against a ws server', () => {
  it('returns a ConfigError value for a bad config instead of throwing', () => {
    const created = createClient({ url: 'not a url', ping_interval: -1 });
    expect(created.ok).toBe(false);
    if (!created.ok) expect(created.error.issues.map((i) => i.path)).toEqual(['url', 'ping_interval']);
  });

  it('start() resolves after the WebSocket handshake with the response headers', async () => {
    const server = await startWsEchoServer(resources);
    server.wss.on('headers', (headers) => headers.push('X-Served-By: ws-test'));
    const client = makeClient({ url: server.url });
    expect(client.readyState).toBe('closed');
    const opened: OpenInfo[] = [];
    client.on('open', (info) => opened.push(info));
    const started = client.start();
    expect(client.readyState).toBe('connecting');
    const result = await started;
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(client.readyState).toBe('open');
    expect(result.value.url).toBe(server.url);
    expect(result.value.headers['x-served-by']).toBe('ws-test');
    expect(result.value.protocol).toBe('');
    expect(opened).toHaveLength(1);
    expect(server.wss.clients.size).toBe(1);
  });

  it('echoes text as string and binary as Buffer, in order', async () => {
    const server = await startWsEchoServer(resources);
    const client = makeClient({ url: server.url });
    const received: [string | Buffer, boolean][] = [];
    const done = new Promise<void>((resolve) => {
      client.on('message', (data, isBinary) => {
        received.push([data, isBinary]);
        if (received.length === 3) resolve();
      });
    });
    await client.start();
    const sent = client.send('hello');
    expect(sent.ok && sent.value.outcome).toBe('sent');
    if (sent.ok) expect(sent.value.payloadSize).toBe(5);
    client.send(Buffer.from([1, 2, 3]));
    client.send(new Uint8Array([9, 8]).buffer);
    await done;
    expect(received[0]).toEqual(['hello', false]);
    expect(received[1]).toEqual([Buffer.from([1, 2, 3]), true]);
    expect(received[2]).toEqual([Buffer.from([9, 8]), true]);
  });

  it('negotiates permessage-deflate with ws and round-trips large compressible messages', async () => {
    const server = await startWsEchoServer(resources, { perMessageDeflate: { threshold: 0 } });
    const client = makeClient({ url: server.url });
    const opened = await client.start();
    expect(opened.ok && opened.value.extensions).toContain('permessage-deflate');
    const big = 'parley '.repeat(200_000);
    const echoed = nextEvent<string>(client, 'message');
    const sent = client.send(big);
    expect(sent.ok).toBe(true);
    expect(await echoed).toBe(big);
  });

  it('does not offer deflate when per_message_deflate is false', async () => {
    const server = await startWsEchoServer(resources, { perMessageDeflate: true });
    let offered: string | undefined = 'unset';
    server.wss.on('connection', (_socket, request) => {
      offered = request.headers['sec-websocket-extensions'];
    });
    const client = makeClient({ url: server.url, per_message_deflate: false });
    const opened = await client.start();
    expect(opened.ok && opened.value.extensions).toBe('');
    expect(offered).toBeUndefined();
  });

  it('sends the configured headers and origin, and negotiates a subprotocol', async () => {
    const server = await startWsEchoServer(resources, {
      handleProtocols: (protocols) => (protocols.has('chat.v2') ? 'chat.v2' : false),
    });
    let seen: Record<string, string | string[] | undefined> = {};
    server.wss.on('connection', (_socket, request) => {
      seen = request.headers;
    });
    const client = makeClient({
      url: server.url,
      protocols: ['chat.v1', 'chat.v2'],
      headers: { 'x-token': 'abc' },
      origin: 'https://app.example',
    });
    const opened = await client.start();
    expect(opened.ok && opened.value.protocol).toBe('chat.v2');
    expect(client.protocol).toBe('chat.v2');
    expect(seen['x-token']).toBe('abc');
    expect(seen.origin).toBe('https://app.example');
    expect(seen['sec-websocket-protocol']).toBe('chat.v1, chat.v2');
  });

  it('fails the handshake when the server picks a subprotocol we did not offer', async () => {
    const server = await startWsEchoServer(resources, { handleProtocols: () => 'other' });
    const client = makeClient({ url: server.url, protocols: ['mine'], reconnect: { enabled: false } });
    const result = await client.start();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('HANDSHAKE_FAILED');
      expect(result.error.message).toMatch(/^handshake: /);
    }
  });

  it('close(code, reason) performs the close handshake and reports it', async () => {
    const server = await startWsEchoServer(resources);
    const serverSaw = new Promise<[number, string]>((resolve) => {
      server.wss.on('connection', (socket) =>
        socket.on('close', (code, reason) => resolve([code, String(reason)])),
      );
    });
    const client = makeClient({ url: server.url });
    await client.start();
    const closed = nextEvent<ClientCloseInfo>(client, 'close');
    expect(client.close(4001, 'done here').ok).toBe(true);
    expect(client.readyState).toBe('closing');
    const info = await closed;
    expect(info).toMatchObject({
      code: 4001,
      reason: 'done here',
      wasClean: true,
      initiatedBy: 'local',
      willReconnect: false,
    });
    expect(await serverSaw).toEqual([4001, 'done here']);
    expect(client.readyState).toBe('closed');
    const after = client.send('late');
    expect(after.ok).toBe(false);
    if (!after.ok) expect(after.error.code).toBe('NOT_OPEN');
  });

  it('refuses an invalid close code with an error value', async () => {
    const server = await startWsEchoServer(resources);
    const client = makeClient({ url: server.url });
    await client.start();
    const refused = client.close(1005);
    expect(refused.ok).toBe(false);
    expect(client.readyState).toBe('open');
  });

  it('reports a server-initiated close with its code and reason (no reconnect when disabled)', async () => {
    const server = await startWsEchoServer(resources);
    server.wss.on('connection', (socket) => socket.close(4002, 'bye now'));
    const client = makeClient({ url: server.url, reconnect: { enabled: false } });
    const closed = nextEvent<ClientCloseInfo>(client, 'close');
    await client.start();
    expect(await closed).toMatchObject({
      code: 4002,
      reason: 'bye now',
      wasClean: true,
      initiatedBy: 'remote',
    });
    expect(client.readyState).toBe('closed');
  });

  it('answers server pings with pongs and reports both directions', async () => {
    const server = await startWsEchoServer(resources);
    const serverGotPong = new Promise<string>((resolve) => {
      server.wss.on('connection', (socket) => {
        socket.on('pong', (data) => resolve(String(data)));
        socket.ping('from-server');
      });
    });
    const client = makeClient({ url: server.url });
    const pinged = nextEvent<Buffer>(client, 'ping');
    await client.start();
    expect(String(await pinged)).toBe('from-server');
    expect(await serverGotPong).toBe('from-server');
    const ponged = nextEvent<Buffer>(client, 'pong');
    expect(client.ping('from-client').ok).toBe(true);
    expect(String(await ponged)).toBe('from-client');
    const tooLong = client.ping('x'.repeat(126));
    expect(tooLong.ok).toBe(false);
  });

  it('stop() resolves once closed and a handler object receives events with the client', async () => {
    const server = await startWsEchoServer(resources);
    const calls: string[] = [];
    const created = createClient(
      { url: server.url, proxy: false },
      {
        open(info, c) {
          calls.push(`open ${info.url === server.url} ${c.readyState}`);
        },
        close(info) {
          calls.push(`close ${info.code}`);
        },
      },
    );
    if (!created.ok) throw new Error(created.error.message);
    const client = resources.client(created.value);
    await client.start();
    await client.stop();
    expect(client.readyState).toBe('closed');
    expect(calls).toEqual(['open true open', 'close 1000']);
  });

  it('start() while connecting shares the outcome; while open it resolves at once', async () => {
    const server = await startWsEchoServer(resources);
    const client = makeClient({ url: server.url });
    const first = client.start();
    const second = client.start();
    const [a, b] = await Promise.all([first, second]);
    expect(a.ok && b.ok).toBe(true);
    const third = await client.start();
    expect(third.ok && a.ok && third.value).toEqual(a.ok && a.value);
    expect(server.wss.clients.size).toBe(1);
  });

  it('heartbeat: pings an idle live server every interval and stays open', async () => {
    const server = await startWsEchoServer(resources);
    const pings = new Promise<number>((resolve) => {
      server.wss.on('connection', (socket) => {
        let count = 0;
        socket.on('ping', () => {
          count++;
          if (count === 3) resolve(count);
        });
      });
    });
    const client = makeClient({ url: server.url, ping_interval: 20 });
    const pongs: Buffer[] = [];
    client.on('pong', (payload) => pongs.push(payload));
    await client.start();
    expect(await pings).toBe(3);
    expect(client.readyState).toBe('open');
    expect(pongs.length).toBeGreaterThanOrEqual(2);
  });

  it('sendStream sends one message in pieces with progress; a false from onProgress cancels', async () => {
    const server = await startWsEchoServer(resources);
    const client = makeClient({ url: server.url, per_message_deflate: false, reconnect: { enabled: false } });
    expect(client.sendStream().ok).toBe(false); // not open yet
    await client.start();
    const progress: number[] = [];
    const stream = client.sendStream({
      binary: true,
      total: 30,
      onProgress: ({ sent }) => progress.push(sent),
    });
    if (!stream.ok) throw new Error(stream.error.message);
    const echoed = nextEvent<Buffer>(client, 'message');
    expect(stream.value.write(Buffer.alloc(10, 1)).ok).toBe(true);
    expect(stream.value.write(Buffer.alloc(10, 2)).ok).toBe(true);
    expect(stream.value.end(Buffer.alloc(10, 3)).ok).toBe(true);
    expect(await echoed).toEqual(
      Buffer.concat([Buffer.alloc(10, 1), Buffer.alloc(10, 2), Buffer.alloc(10, 3)]),
    );
    expect(progress).toEqual([10, 20, 30]);

    const closed = nextEvent<ClientCloseInfo>(client, 'close');
    const cancelled = client.sendStream({ onProgress: () => false });
    if (!cancelled.ok) throw new Error(cancelled.error.message);
    cancelled.value.write('first piece');
    expect(await closed).toMatchObject({
      code: 1000,
      reason: 'message cancelled',
      initiatedBy: 'local',
      willReconnect: false,
    });
  });
});
