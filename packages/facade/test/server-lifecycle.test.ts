import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CloseDetails } from '../src/index.js';
import {
  clientFrame,
  closedWith,
  nextEvent,
  openClient,
  rawUpgrade,
  readUntil,
  startServer,
  wsClient,
} from './helpers/harness.js';

describe('heartbeat', () => {
  it('closes a peer that never answers pings, saying it was a heartbeat timeout', async () => {
    const { server, port } = await startServer({ ping_interval: 50 });
    const disconnected = nextEvent(server, 'disconnection');
    const { socket } = await rawUpgrade(port);
    // The raw peer reads (so pings arrive) but never answers them.
    const pinged = readUntil(socket, (data) => data.includes(0x89));
    const [, details] = await disconnected;
    await pinged;
    expect(details.code).toBe(1006);
    expect(details.wasClean).toBe(false);
    expect(details.reason).toBe('heartbeat timeout');
    expect(details.diagnostic).toBe('heartbeat timeout');
    expect(server.sessions.size).toBe(0);
  });

  it('keeps a peer that answers pings (ws auto-pongs) across many intervals', async () => {
    const { server, url } = await startServer({ ping_interval: 20 });
    const client = await openClient(url);
    let pongs = 0;
    const enough = new Promise<void>((resolve) => {
      server.on('pong', () => {
        if (++pongs === 5) resolve();
      });
    });
    await enough;
    expect(client.readyState).toBe(WebSocket.OPEN);
    expect(server.sessions.size).toBe(1);
  });

  it('ping_interval: 0 turns the heartbeat off', async () => {
    const { server } = await startServer({ ping_interval: 0 });
    expect(server.config.ping_interval).toBe(0);
  });
});

describe('graceful stop', () => {
  it('delivers everything queued before stop, then closes with 1001', async () => {
    const { server, url } = await startServer();
    const client = await openClient(url);
    const received: string[] = [];
    client.on('message', (data: Buffer) => received.push(data.toString()));
    const closed = closedWith(client);
    for (const session of server.sessions.values()) {
      for (let i = 0; i < 500; i++) session.send(`message ${i} ${'x'.repeat(100)}`);
    }
    const stopped = await server.stop({ reason: 'maintenance' });
    expect(stopped.ok && stopped.value).toEqual({ closed: 1, terminated: 0 });
    expect(await closed).toEqual({ code: 1001, reason: 'maintenance' });
    expect(received.length).toBe(500);
    expect(received[499]!.startsWith('message 499 ')).toBe(true);
    expect(server.running).toBe(false);
  });

  it('with permessage-deflate, messages still waiting on zlib are sent before the close frame', async () => {
    const { server, url } = await startServer({ per_message_deflate: { threshold: 0 } });
    const client = await openClient(url, undefined, { perMessageDeflate: true });
    const received: string[] = [];
    client.on('message', (data: Buffer) => received.push(data.toString()));
    const closed = closedWith(client);
    const [session] = [...server.sessions.values()];
    let pending = 0;
    for (let i = 0; i < 300; i++) {
      const sent = session!.send(`compressed ${i} ${'y'.repeat(2000)}`);
      if (sent.ok && sent.value.pending) pending++;
    }
    expect(pending).toBeGreaterThan(0); // zlib is asynchronous: stop() really races it
    await server.stop();
    expect((await closed).code).toBe(1001);
    expect(received.length).toBe(300);
    expect(received[299]!.startsWith('compressed 299 ')).toBe(true);
  });

  it('stops accepting, and terminates sessions that do not answer the close in time', async () => {
    const { server, port, url } = await startServer();
    const { socket } = await rawUpgrade(port); // never answers the close frame
    const closeFrame = readUntil(socket, (data) => data.includes(0x88));
    const stopped = await server.stop({ timeout: 50 });
    await closeFrame;
    expect(stopped.ok && stopped.value).toEqual({ closed: 0, terminated: 1 });
    const late = wsClient(url);
    const [error] = (await once(late, 'error')) as [Error];
    expect(error).toBeInstanceOf(Error);
  });

  it('stop() on a server that is not running is an error value', async () => {
    const { server } = await startServer();
    await server.stop();
    const again = await server.stop();
    expect(again.ok).toBe(false);
  });
});

describe('close diagnostics', () => {
  it('a protocol violation closes with 1002 and names the rule', async () => {
    const { server, port } = await startServer();
    const disconnected = nextEvent(server, 'disconnection');
    const { socket } = await rawUpgrade(port);
    const unmasked = Buffer.from([0x81, 0x02, 0x68, 0x69]); // client frames must be masked
    socket.write(unmasked);
    const [, details] = await disconnected;
    expect(details.code).toBe(1002);
    expect(details.error?.code).toBe('MASK_EXPECTED');
    expect(details.diagnostic).toMatch(/^protocol error: .*\(MASK_EXPECTED\)$/);
    const reply = await readUntil(socket, (data) => data.length >= 4);
    expect(reply[0]).toBe(0x88);
    expect(reply.readUInt16BE(2)).toBe(1002);
  });

  it('a peer that resets the TCP connection is reported as such', async () => {
    const { server, port } = await startServer();
    const disconnected = nextEvent(server, 'disconnection');
    const { socket } = await rawUpgrade(port);
    socket.resetAndDestroy();
    const [, details] = await disconnected;
    expect(details.code).toBe(1006);
    expect(details.initiatedBy).toBe('transport');
    expect(details.diagnostic).toBe('connection reset by peer');
  });

  it('a peer that just disconnects gets 1006 with a diagnostic', async () => {
    const { server, port } = await startServer();
    const disconnected = nextEvent(server, 'disconnection');
    const { socket } = await rawUpgrade(port);
    socket.end();
    const [, details] = await disconnected;
    expect(details.code).toBe(1006);
    expect(details.diagnostic).toBe('connection closed without a close frame');
  });

  it('session.terminate() destroys without a close frame; onClose runs exactly once', async () => {
    const closes: CloseDetails[] = [];
    const { url } = await startServer(
      {},
      { message: (session) => session.terminate(), close: (_s, d) => closes.push(d) },
    );
    const client = await openClient(url);
    client.send('terminate me');
    const [code] = (await once(client, 'close')) as [number];
    expect(code).toBe(1006);
    expect(closes).toHaveLength(1);
    expect(closes[0]!.diagnostic).toBe('terminated by the application');
  });

  it('frames sent after the close handshake started are refused as values', async () => {
    const { server, port } = await startServer();
    const connected = nextEvent(server, 'connection');
    const { socket } = await rawUpgrade(port);
    const [session] = await connected;
    expect(session.close(1000).ok).toBe(true);
    const sent = session.send('late');
    expect(sent.ok).toBe(false);
    if (!sent.ok) expect(sent.error.code).toBe('NOT_OPEN');
    socket.write(clientFrame(0x8, Buffer.from([0x03, 0xe8])));
    const [, details] = await nextEvent(server, 'disconnection');
    expect(details.wasClean).toBe(true);
    expect(details.initiatedBy).toBe('local');
  });
});
