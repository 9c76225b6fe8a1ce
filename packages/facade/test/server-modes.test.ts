import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, LOCALHOST_SERVER, type TestCa } from '@parley/test-support';
import { createServer } from '../src/index.js';
import { nextMessage, openClient, rawSocket, readAll, startServer, track } from './helpers/harness.js';

let pki: TestCa;
let pems: { cert: string; key: string };

beforeAll(() => {
  pki = createTestCa();
  const { cert, key } = pki.selfSign('server', '/CN=localhost', LOCALHOST_SERVER);
  pems = { cert, key };
});

afterAll(() => pki.remove());

const httpServers: http.Server[] = [];
afterEach(() => {
  // Not awaited: upgraded sockets are not node:http's to close; the harness's afterEach
  // closes them (and the WebSocket servers), which lets these close callbacks run.
  for (const server of httpServers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function listening(server: http.Server): Promise<number> {
  httpServers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

const echo = {
  message(session: import('../src/index.js').Session, data: string | Buffer, binary: boolean) {
    session.send(data, { binary });
  },
};

describe('TLS (certificate made at test time)', () => {
  it('serves wss:// with the raw listener', async () => {
    const { url } = await startServer({ tls: pems }, echo);
    expect(url.startsWith('wss://127.0.0.1:')).toBe(true);
    const client = await openClient(url, undefined, { ca: pems.cert });
    client.send('over tls');
    expect((await nextMessage(client)).data.toString()).toBe('over tls');
  });

  it('serves wss:// with the node-http listener', async () => {
    const { url, server } = await startServer({ tls: pems, listener: 'node-http' }, echo);
    const client = await openClient(url, undefined, { ca: pems.cert });
    client.send('tls via node:https');
    expect((await nextMessage(client)).data.toString()).toBe('tls via node:https');
    const [session] = [...server.sessions.values()];
    expect(session?.secure).toBe(true);
  });
});

describe('a client that never finishes the TLS handshake', () => {
  for (const listener of ['raw', 'node-http'] as const) {
    it(`is cut off by handshake_timeout with the ${listener} listener`, async () => {
      const { server } = await startServer({ tls: pems, listener, handshake_timeout: 150 }, echo);
      const socket = await rawSocket(server.address()!.port);
      // TCP is up, but no ClientHello ever comes: the server must not wait Node's 120 s.
      await once(socket, 'close');
      expect(socket.bytesRead).toBe(0);
    });
  }
});

describe('attach to an existing node:http server', () => {
  it('shares the port with plain HTTP routes (attach_to)', async () => {
    const httpServer = http.createServer((_req, res) => res.end('page'));
    const port = await listening(httpServer);
    const created = createServer({ attach_to: httpServer, path: '/ws' }, echo);
    if (!created.ok) throw new Error(created.error.message);
    track(created.value as never);
    const started = await created.value.start();
    expect(started.ok && started.value.port).toBe(port);
    const client = await openClient(`ws://127.0.0.1:${port}/ws`);
    client.send('attached');
    expect((await nextMessage(client)).data.toString()).toBe('attached');
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(await page.text()).toBe('page');
  });

  it('handleUpgrade(req, socket, head) serves upgrades the application routes itself', async () => {
    const created = createServer({ path: '/live' }, echo);
    if (!created.ok) throw new Error(created.error.message);
    const wsServer = created.value;
    const httpServer = http.createServer();
    httpServer.on('upgrade', (req, socket, head) => {
      if (req.url?.startsWith('/live')) wsServer.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
    const port = await listening(httpServer);
    const client = await openClient(`ws://127.0.0.1:${port}/live`);
    client.send(Buffer.from([9, 9]));
    const echoed = await nextMessage(client);
    expect(echoed.isBinary).toBe(true);
    expect([...echoed.data]).toEqual([9, 9]);
    expect(wsServer.sessions.size).toBe(1);
    expect(wsServer.running).toBe(true);
    // stop() closes sessions that came through handleUpgrade although nothing was started.
    const closed = once(client, 'close') as Promise<[number]>;
    const stopped = await wsServer.stop();
    expect(stopped.ok && stopped.value.closed).toBe(1);
    expect((await closed)[0]).toBe(1001);
  });

  it('works with an https server too', async () => {
    const httpsServer = https.createServer(pems);
    const port = await listening(httpsServer);
    const created = createServer({ attach_to: httpsServer }, echo);
    if (!created.ok) throw new Error(created.error.message);
    track(created.value as never);
    await created.value.start();
    const client = await openClient(`wss://127.0.0.1:${port}/`, undefined, { ca: pems.cert });
    client.send('secure attach');
    expect((await nextMessage(client)).data.toString()).toBe('secure attach');
  });
});

describe('node-http standalone listener', () => {
  it('echoes and answers plain requests with 426', async () => {
    const { url, port } = await startServer({ listener: 'node-http' }, echo);
    const client = await openClient(url);
    client.send('via node:http');
    expect((await nextMessage(client)).data.toString()).toBe('via node:http');
    const socket = await rawSocket(port);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect((await readAll(socket)).toString()).toMatch(/^HTTP\/1\.1 426 /);
  });
});

describe('permessage-deflate with the ws client', () => {
  it('negotiates, compresses large messages and reports wireSize < payloadSize', async () => {
    const { server, url } = await startServer({ per_message_deflate: { threshold: 100 } }, echo);
    const client = await openClient(url, undefined, { perMessageDeflate: { threshold: 0 } });
    expect(client.extensions).toContain('permessage-deflate');
    const [session] = [...server.sessions.values()];
    expect(session?.extensions).toContain('permessage-deflate');
    const text = 'compress me '.repeat(1000);
    client.send(text);
    expect((await nextMessage(client)).data.toString()).toBe(text);
    const got = nextMessage(client);
    const sent = session!.send(text);
    const received = await got;
    expect(received.data.toString()).toBe(text);
    expect(sent.ok).toBe(true);
  });

  it('declines deflate when the server has it off', async () => {
    const { url } = await startServer({}, echo);
    const client = await openClient(url, undefined, { perMessageDeflate: true });
    expect(client.extensions).toBe('');
  });
});
