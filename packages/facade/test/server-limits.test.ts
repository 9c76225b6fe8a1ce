import { constants as zlibConstants, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ParleyError } from '../src/index.js';
import {
  clientFrame,
  closedWith,
  nextEvent,
  openClient,
  rawSocket,
  rawUpgrade,
  readUntil,
  startServer,
  upgradeRequest,
} from './helpers/harness.js';

/** A masked frame header announcing `length` bytes, with no payload behind it. */
function headerOnly(opcode: number, length: number): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x80 | opcode;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  header.writeUInt32BE(0x01020304, 10);
  return header;
}

describe('hostile input', () => {
  it('closes with 1009 on a frame header announcing more than max_payload, before any payload', async () => {
    const { server, port } = await startServer({ max_payload: 1024 });
    const closed = nextEvent(server, 'disconnection');
    const { socket } = await rawUpgrade(port);
    const before = process.memoryUsage().arrayBuffers;
    socket.write(headerOnly(0x2, 2 ** 40)); // 1 TiB announced, nothing sent
    const reply = await readUntil(socket, (data) => data.length >= 4);
    expect(reply[0]).toBe(0x88);
    expect(reply.readUInt16BE(2)).toBe(1009);
    const [, details] = await closed;
    expect(details.code).toBe(1009);
    expect(['MESSAGE_TOO_BIG', 'LENGTH_TOO_LARGE']).toContain(details.error?.code);
    // nothing near the announced size was allocated
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('closes with 1009 when fragments add up past max_payload', async () => {
    const { server, port } = await startServer({ max_payload: 1000 });
    const closed = nextEvent(server, 'disconnection');
    const { socket } = await rawUpgrade(port);
    socket.write(clientFrame(0x1, 'a'.repeat(600), false));
    socket.write(clientFrame(0x0, 'a'.repeat(600), true));
    const [, details] = await closed;
    expect(details.code).toBe(1009);
  });

  it('closes a tiny-fragment flood past max_fragments', async () => {
    const { server, port } = await startServer({ max_fragments: 50 });
    const closed = nextEvent(server, 'disconnection');
    const { socket } = await rawUpgrade(port);
    const frames = [clientFrame(0x2, Buffer.alloc(1), false)];
    for (let i = 0; i < 100; i++) frames.push(clientFrame(0x0, Buffer.alloc(1), false));
    socket.write(Buffer.concat(frames));
    const [, details] = await closed;
    expect([1008, 1009]).toContain(details.code);
    expect(details.error?.code).toBe('TOO_MANY_FRAGMENTS');
  });

  it('stops a compression bomb at max_payload with 1009', async () => {
    const { server, url } = await startServer({ max_payload: 64 * 1024, per_message_deflate: true });
    const closed = nextEvent(server, 'disconnection');
    const client = await openClient(url, undefined, { perMessageDeflate: { threshold: 0 } });
    const closedClient = closedWith(client);
    client.send(Buffer.alloc(8 * 1024 * 1024)); // compresses to a few KB, inflates past the limit
    const [, details] = await closed;
    expect(details.code).toBe(1009);
    expect((await closedClient).code).toBe(1009);
  });

  it('pauses reading while compressed messages wait on zlib, and delivers every one in order', async () => {
    const count = 2000;
    let pausedDuringDelivery = false;
    const received: string[] = [];
    let allDelivered!: () => void;
    const delivered = new Promise<void>((resolve) => {
      allDelivered = resolve;
    });
    const { port } = await startServer(
      { per_message_deflate: true },
      {
        message(session, data) {
          if (session.readingPaused) pausedDuringDelivery = true;
          received.push(String(data));
          if (received.length === count) allDelivered();
        },
      },
    );
    const socket = await rawSocket(port);
    socket.write(
      upgradeRequest('/', { 'Sec-WebSocket-Extensions': 'permessage-deflate; client_no_context_takeover' }),
    );
    await readUntil(socket, (d) => d.includes('\r\n\r\n'));
    // 2,000 independently compressed text messages in one write: parsing the first chunk
    // queues far more inflate jobs than the backlog bound.
    const frames: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const flushed = deflateRawSync(Buffer.from(`message ${i} `.repeat(8)), {
        finishFlush: zlibConstants.Z_SYNC_FLUSH,
      });
      const frame = clientFrame(0x1, flushed.subarray(0, flushed.length - 4));
      frame[0]! |= 0x40; // RSV1: compressed
      frames.push(frame);
    }
    socket.write(Buffer.concat(frames));
    await delivered;
    expect(pausedDuringDelivery).toBe(true);
    expect(received).toEqual(Array.from({ length: count }, (_, i) => `message ${i} `.repeat(8)));
  });

  it('keeps serving other clients while one is failed', async () => {
    const { server, port, url } = await startServer({ max_payload: 1024 });
    const good = await openClient(url);
    const { socket } = await rawUpgrade(port);
    const closed = nextEvent(server, 'disconnection');
    socket.write(headerOnly(0x2, 1_000_000));
    await closed;
    const echoed = new Promise<string>((resolve) =>
      good.once('message', (data: Buffer) => resolve(data.toString())),
    );
    server.broadcast('still here');
    expect(await echoed).toBe('still here');
  });
});

describe('rate limits', () => {
  it("closes with 1008 past messages_per_second under the 'close' policy", async () => {
    const errors: ParleyError[] = [];
    const { server, url } = await startServer(
      { rate_limit: { messages_per_second: 5, burst_seconds: 1 } },
      { error: (_s, error) => errors.push(error) },
    );
    let delivered = 0;
    server.on('message', () => delivered++);
    const client = await openClient(url);
    const closed = closedWith(client);
    for (let i = 0; i < 50; i++) client.send(`m${i}`);
    expect(await closed).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    expect(delivered).toBe(5);
    expect(errors[0]?.code).toBe('RATE_LIMITED');
  });

  it("drops messages past bytes_per_second under the 'drop' policy, with an error event", async () => {
    const { server, url } = await startServer({
      rate_limit: { bytes_per_second: 1000, burst_seconds: 1, policy: 'drop' },
    });
    const delivered: string[] = [];
    server.on('message', (_s, data) => delivered.push(String(data)));
    const errors: string[] = [];
    server.on('error', (error, session) =>
      errors.push(`${error.code} ${session === undefined ? '' : 'session'}`),
    );
    const client = await openClient(url);
    for (let i = 0; i < 5; i++) client.send('x'.repeat(300));
    client.ping();
    await new Promise((resolve) => client.once('pong', resolve));
    expect(delivered.length).toBe(3);
    expect(errors).toEqual(['RATE_LIMITED session', 'RATE_LIMITED session']);
    expect(client.readyState).toBe(1);
  });
});
