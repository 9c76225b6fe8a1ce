import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import {
  clientFrame,
  nextEvent,
  nextMessage,
  openClient,
  rawUpgrade,
  readUntil,
  startServer,
} from './helpers/harness.js';

async function clients(url: string, count: number): Promise<WebSocket[]> {
  return Promise.all(Array.from({ length: count }, () => openClient(url)));
}

describe('broadcast', () => {
  it('reaches every session except the excluded one, with one encoded frame', async () => {
    const { server, url } = await startServer();
    const [a, b, c] = await clients(url, 3);
    const sender = [...server.sessions.values()][0]!;
    const gotB = nextMessage(b!);
    const gotC = nextMessage(c!);
    let aGot = false;
    a!.on('message', () => {
      aGot = true;
    });
    const report = server.broadcast('news', { except: sender });
    expect(report).toMatchObject({ receivers: 2, sent: 2, queued: 0, dropped: 0, wireSize: 6 });
    expect((await gotB).data.toString()).toBe('news');
    expect((await gotC).data.toString()).toBe('news');
    // a ping round trip on a proves nothing else was queued for it
    a!.ping();
    await once(a!, 'pong');
    expect(aGot).toBe(false);
  });

  it('broadcasts binary data as binary', async () => {
    const { server, url } = await startServer();
    const [a] = await clients(url, 1);
    const got = nextMessage(a!);
    server.broadcast(Buffer.from([1, 2]));
    expect((await got).isBinary).toBe(true);
  });
});

describe('topics', () => {
  it('publish reaches only subscribers; unsubscribe and disconnect leave the topic', async () => {
    const { server, url } = await startServer(
      {},
      {
        message(session, data) {
          const [verb, topic] = String(data).split(' ');
          if (verb === 'join') session.subscribe(topic!);
          if (verb === 'leave') session.unsubscribe(topic!);
          session.send('done');
        },
      },
    );
    const [a, b, c] = await clients(url, 3);
    for (const [client, message] of [
      [a, 'join red'],
      [b, 'join red'],
      [c, 'join blue'],
    ] as const) {
      const done = nextMessage(client!);
      client!.send(message);
      await done;
    }
    expect(server.subscriberCount('red')).toBe(2);
    const gotA = nextMessage(a!);
    const gotB = nextMessage(b!);
    expect(server.publish('red', 'to red').receivers).toBe(2);
    expect((await gotA).data.toString()).toBe('to red');
    expect((await gotB).data.toString()).toBe('to red');

    const left = nextMessage(a!);
    a!.send('leave red');
    await left;
    expect(server.subscriberCount('red')).toBe(1);
    const gone = nextEvent(server, 'disconnection');
    b!.close();
    await gone;
    expect(server.subscriberCount('red')).toBe(0);
    expect(server.topics()).toEqual(['blue']);
    expect(server.publish('red', 'nobody').receivers).toBe(0);
  });
});

describe('slow receivers', () => {
  it('a receiver that never reads is closed with 1013 by the default policy; others keep receiving', async () => {
    const { server, port, url } = await startServer({
      backpressure: { max_buffered: 256 * 1024 },
      close_timeout: 100,
    });
    const fast = await openClient(url);
    const slowSocket = (await rawUpgrade(port)).socket;
    slowSocket.pause(); // never reads: the kernel buffers fill, then the server's buffer grows
    const slowGone = nextEvent(server, 'disconnection');
    let fastCount = 0;
    fast.on('message', () => fastCount++);
    const chunk = 'x'.repeat(64 * 1024);
    let rounds = 0;
    let dropped = 0;
    while (server.sessions.size === 2 && rounds < 2000) {
      const report = server.broadcast(chunk);
      dropped += report.dropped;
      rounds++;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const [, details] = await slowGone;
    expect(details.code === 1013 || details.code === 1006).toBe(true);
    expect(details.diagnostic).toMatch(/slow consumer/);
    expect(dropped).toBeGreaterThan(0);
    // the fast client kept receiving and still does
    expect(fastCount).toBeGreaterThan(0);
    const after = new Promise<void>((resolve) => {
      fast.on('message', (data: Buffer) => {
        if (data.toString() === 'after') resolve();
      });
    });
    expect(server.broadcast('after').receivers).toBe(1);
    await after;
  });

  it("the 'drop' policy skips messages for a slow receiver and keeps it connected", async () => {
    const { server, port } = await startServer({
      backpressure: { max_buffered: 128 * 1024, policy: 'drop' },
    });
    const { socket } = await rawUpgrade(port);
    socket.pause();
    const chunk = Buffer.alloc(64 * 1024, 1);
    let dropped = 0;
    for (let i = 0; i < 200 && dropped === 0; i++) {
      dropped += server.broadcast(chunk).dropped;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(dropped).toBeGreaterThan(0);
    const session = [...server.sessions.values()][0]!;
    expect(session.readyState).toBe(1);
    const sent = session.send(chunk);
    expect(sent.ok && sent.value.outcome).toBe('dropped');
    expect(sent.ok && sent.value.bufferedAmount).toBeGreaterThan(128 * 1024);
  });

  it('an echo peer that stops reading is paused, not buffered without bound, and loses nothing', async () => {
    const { server, port } = await startServer(
      { backpressure: { high_water_mark: 64 * 1024, policy: 'wait' } },
      { message: (session, data, binary) => session.send(data, { binary }) },
    );
    const { socket } = await rawUpgrade(port);
    socket.pause(); // we send but do not read the echoes
    const size = 16 * 1024;
    const count = 1000; // 16 MB of echoes the server would otherwise have to hold
    // Checked synchronously in the listener: the kernel may drain the buffer right after.
    const pausedAt: number[] = [];
    server.on('backpressure', (session, bufferedAmount) => {
      expect(session.readingPaused).toBe(true);
      pausedAt.push(bufferedAmount);
    });
    const backpressure = nextEvent(server, 'backpressure');
    socket.write(Buffer.concat(Array.from({ length: count }, () => clientFrame(0x2, Buffer.alloc(size, 7)))));
    await backpressure;
    let echoed = 0;
    socket.resume();
    const frameSize = size + 4; // 2-byte header + 16-bit length
    await readUntil(socket, (data) => {
      echoed = data.length;
      return data.length >= count * frameSize;
    });
    expect(echoed).toBe(count * frameSize);
    // Each time the server had to wait, its buffer was the high-water mark plus one read's echoes.
    expect(pausedAt.length).toBeGreaterThan(0);
    expect(Math.max(...pausedAt)).toBeLessThan(2 * 1024 * 1024);
  });
});

describe('broadcast with permessage-deflate', () => {
  it('compresses once for receivers without server context takeover; others get the plain frame', async () => {
    const { server, url } = await startServer({
      per_message_deflate: { server_no_context_takeover: true, threshold: 100 },
    });
    const deflating = await openClient(url, undefined, { perMessageDeflate: true });
    const plain = await openClient(url, undefined, { perMessageDeflate: false });
    expect(deflating.extensions).toBe('permessage-deflate');
    const extensions = [...server.sessions.values()].map((session) => session.extensions);
    expect(extensions.filter((value) => value.includes('server_no_context_takeover'))).toHaveLength(1);
    const text = 'the same news for everyone '.repeat(200);
    const gotDeflating = nextMessage(deflating);
    const gotPlain = nextMessage(plain);
    const report = server.broadcast(text);
    expect(report).toMatchObject({ receivers: 2, compressed: 1, dropped: 0 });
    expect((await gotDeflating).data.toString()).toBe(text);
    expect((await gotPlain).data.toString()).toBe(text);
    // a per-session compressed send after the shared one still decodes (contexts stay in step)
    const next = nextMessage(deflating);
    for (const session of server.sessions.values()) session.send(`${text} again`);
    expect((await next).data.toString()).toBe(`${text} again`);
  });

  it('does not share compressed frames with receivers that keep the server context', async () => {
    const { server, url } = await startServer({ per_message_deflate: { threshold: 100 } });
    const client = await openClient(url, undefined, { perMessageDeflate: true });
    const text = 'context takeover on '.repeat(200);
    const first = nextMessage(client);
    for (const session of server.sessions.values()) session.send(text); // primes the session's window
    await first;
    const got = nextMessage(client);
    expect(server.broadcast(text).compressed).toBe(0);
    expect((await got).data.toString()).toBe(text);
    const after = nextMessage(client);
    for (const session of server.sessions.values()) session.send(text);
    expect((await after).data.toString()).toBe(text);
  });
});
