import { describe, expect, it } from 'vitest';
import type { Session } from '../src/index.js';
import {
  clientFrame,
  closedWith,
  nextEvent,
  nextMessage,
  openClient,
  rawUpgrade,
  readUntil,
  startServer,
} from './helpers/harness.js';

describe('session.sendStream', () => {
  it('sends a large message in pieces with progress reports; the client gets one message', async () => {
    const { server, url } = await startServer();
    const connected = nextEvent(server, 'connection');
    const client = await openClient(url);
    const [session] = await connected;
    const progress: number[] = [];
    const received = nextMessage(client);
    const stream = session.sendStream({
      binary: true,
      total: 3 * 64 * 1024,
      onProgress: (p) => {
        progress.push(p.sent);
        return undefined;
      },
    });
    const piece = Buffer.alloc(64 * 1024, 5);
    expect(stream.write(piece).ok).toBe(true);
    expect(stream.write(piece).ok).toBe(true);
    expect(stream.end(piece).ok).toBe(true);
    const { data, isBinary } = await received;
    expect(isBinary).toBe(true);
    expect(data.length).toBe(3 * 64 * 1024);
    expect(progress).toEqual([64 * 1024, 2 * 64 * 1024, 3 * 64 * 1024]);
  });

  it('onProgress returning false cancels: no more fragments, clean close 1000', async () => {
    const { server, url } = await startServer();
    const connected = nextEvent(server, 'connection');
    const client = await openClient(url);
    const [session] = (await connected) as [Session];
    const closed = closedWith(client);
    const stream = session.sendStream({ onProgress: (p) => p.sent < 1000 });
    expect(stream.write('a'.repeat(600)).ok).toBe(true);
    const second = stream.write('b'.repeat(600));
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error.code).toBe('CANCELLED');
    const { code } = await closed;
    expect(code).toBe(1000);
  });
});

describe('ping floods', () => {
  it('a peer that floods pings without reading is paused by the high-water mark; every ping is answered', async () => {
    const { server, port } = await startServer({ backpressure: { high_water_mark: 16 * 1024 } });
    const { socket } = await rawUpgrade(port);
    socket.pause();
    const ping = clientFrame(0x9, Buffer.alloc(125, 1));
    const count = 20_000; // 2.6 MB of pings → 2.5 MB of pongs if nothing paused the reader
    const pausedAt: number[] = [];
    server.on('backpressure', (session, bufferedAmount) => {
      expect(session.readingPaused).toBe(true); // checked synchronously, before any drain
      pausedAt.push(bufferedAmount);
    });
    const backpressure = nextEvent(server, 'backpressure');
    socket.write(Buffer.concat(Array.from({ length: count }, () => ping)));
    await backpressure;
    socket.resume();
    const pongSize = 2 + 125;
    const pongs = await readUntil(socket, (data) => data.length >= count * pongSize);
    expect(pongs.length).toBe(count * pongSize);
    expect(pongs[0]).toBe(0x8a);
    expect(Math.max(...pausedAt)).toBeLessThan(1024 * 1024);
  });
});
