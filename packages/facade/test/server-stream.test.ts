import { describe, expect, it } from 'vitest';
import type { Session } from '../src/index.js';
import {
  clientFrame,
  closedWith,
  nextEvent,
  nextMessage,
  openClient,
  rawUpgrade,
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
    // Enough pongs (25 MB) to overflow what the kernel buffers between two loopback sockets,
    // so the server's own write buffer must grow, whatever Node's stream defaults are (the
    // in-tick burst alone crosses a 16 KiB mark on Node 20 but not Node 22's 64 KiB floor).
    const count = 200_000;
    const pausedAt: number[] = [];
    server.on('backpressure', (session, bufferedAmount) => {
      expect(session.readingPaused).toBe(true); // checked synchronously, before any drain
      pausedAt.push(bufferedAmount);
    });
    const backpressure = nextEvent(server, 'backpressure');
    socket.write(Buffer.concat(Array.from({ length: count }, () => ping)));
    await backpressure;

    // Read every pong back, checking the bytes as they stream in (no 25 MB concatenation).
    const pongSize = 2 + 125;
    let position = 0;
    let wrongAt = -1;
    const allRead = new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => {
        for (let i = 0; i < chunk.length; i++, position++) {
          const offset = position % pongSize;
          const expected = offset === 0 ? 0x8a : offset === 1 ? 125 : 1;
          if (wrongAt < 0 && chunk[i] !== expected) wrongAt = position;
        }
        if (position >= count * pongSize) resolve();
      });
      socket.once('close', () => reject(new Error(`closed after ${position} bytes of pongs`)));
    });
    socket.resume();
    await allRead;
    expect(position).toBe(count * pongSize);
    expect(wrongAt).toBe(-1);
    expect(Math.max(...pausedAt)).toBeLessThan(1024 * 1024);
  });
});
