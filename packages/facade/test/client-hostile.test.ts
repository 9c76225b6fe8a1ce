import { constants, deflateRawSync } from 'node:zlib';
import { computeAccept } from '@parley/handshake';
import type * as net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientCloseInfo, ClientConfigInput } from '../src/client/index.js';
import {
  acceptUpgrade,
  ClientFrameReader,
  headerOf,
  nextEvent,
  readRequestHead,
  Resources,
  serverFrame,
  startRawServer,
} from './client-fixtures.js';
import { writeByteByByte } from './helpers/slow-writes.js';

const resources = new Resources();
afterEach(() => resources.closeAll());

function makeClient(config: ClientConfigInput) {
  return resources.createClient({ proxy: false, reconnect: { enabled: false }, ...config });
}

/** A raw server that completes the upgrade, then runs `afterUpgrade` on the socket. */
async function hostileServer(
  afterUpgrade: (socket: net.Socket, reader: ClientFrameReader) => void,
  extraHeaders = '',
): Promise<string> {
  const { url } = await startRawServer(resources, (socket) => {
    void acceptUpgrade(socket, extraHeaders).then(({ rest }) =>
      afterUpgrade(socket, new ClientFrameReader(socket, rest)),
    );
  });
  return url;
}

async function closeAfter(url: string, config: Record<string, unknown> = {}): Promise<ClientCloseInfo> {
  const client = makeClient({ url, ...config });
  const closed = nextEvent<ClientCloseInfo>(client, 'close');
  const opened = await client.start();
  expect(opened.ok).toBe(true);
  return closed;
}

describe('client against hostile servers', () => {
  it('a masked frame from the server is a protocol error (1002)', async () => {
    const url = await hostileServer((socket) => {
      socket.write(serverFrame(0x1, 'hi', { mask: Buffer.from([1, 2, 3, 4]) }));
    });
    const info = await closeAfter(url);
    expect(info.code).toBe(1002);
    expect(info.wasClean).toBe(false);
    expect(info.diagnostic).toMatch(/^protocol error: /);
    expect(info.reason).not.toBe('');
  });

  it('reserved bits without an extension are a protocol error (1002)', async () => {
    const url = await hostileServer((socket) => socket.write(serverFrame(0x1, 'hi', { rsv: 0b010 })));
    const info = await closeAfter(url);
    expect(info.code).toBe(1002);
    expect(info.protocolError?.code).toBe('RESERVED_BITS');
  });

  it('a reserved opcode is a protocol error (1002)', async () => {
    const url = await hostileServer((socket) => socket.write(serverFrame(0x3, 'x')));
    const info = await closeAfter(url);
    expect(info.code).toBe(1002);
    expect(info.protocolError?.code).toBe('RESERVED_OPCODE');
  });

  it('invalid UTF-8 in a text message closes with 1007', async () => {
    const url = await hostileServer((socket) =>
      socket.write(serverFrame(0x1, Buffer.from([0xce, 0xba, 0xff]))),
    );
    const info = await closeAfter(url);
    expect(info.code).toBe(1007);
    expect(info.protocolError?.code).toBe('INVALID_UTF8');
  });

  it('a frame length beyond max_payload closes with 1009 before the payload arrives', async () => {
    const url = await hostileServer((socket) => {
      const header = Buffer.from([0x82, 127, 0, 0, 0, 0, 0x40, 0, 0, 0]); // announces 1 GiB
      socket.write(header);
    });
    const info = await closeAfter(url, { max_payload: 1024 * 1024 });
    expect(info.code).toBe(1009);
  });

  it('a compression bomb stops at max_payload with 1009', async () => {
    // RFC 7692 §7.2.1: sync-flushed raw deflate without the trailing 00 00 ff ff; ~64 KiB on the wire
    const flushed = deflateRawSync(Buffer.alloc(64 * 1024 * 1024), { finishFlush: constants.Z_SYNC_FLUSH });
    const compressed = flushed.subarray(0, flushed.length - 4);
    const url = await hostileServer(
      (socket) => socket.write(serverFrame(0x2, compressed, { rsv: 0b100 })),
      'Sec-WebSocket-Extensions: permessage-deflate\r\n',
    );
    const before = process.memoryUsage().arrayBuffers;
    const info = await closeAfter(url, { max_payload: 1024 * 1024 });
    expect(info.code).toBe(1009);
    // bounded memory: nowhere near the 64 MiB the bomb inflates to
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
  });

  it('survives a ping flood: answers pongs and still delivers the next message', async () => {
    let pongs = 0;
    const url = await hostileServer((socket, reader) => {
      const flood = Buffer.concat(Array.from({ length: 5000 }, (_, i) => serverFrame(0x9, String(i))));
      socket.write(flood);
      socket.write(serverFrame(0x1, 'after the flood'));
      socket.on('data', () => {
        pongs = reader.frames.filter((f) => f.opcode === 0xa).length;
      });
    });
    const client = makeClient({ url });
    const message = nextEvent<string>(client, 'message');
    await client.start();
    expect(await message).toBe('after the flood');
    expect(client.readyState).toBe('open');
    expect(pongs).toBeLessThanOrEqual(5000);
  });

  it('a server that stops reading: send reports queued with a growing bufferedAmount, then the bound applies', async () => {
    const url = await hostileServer((socket) => socket.pause());
    const client = makeClient({
      url,
      per_message_deflate: false,
      close_timeout: 200,
      backpressure: { max_buffered: 2 * 1024 * 1024, policy: 'close' },
    });
    const closed = nextEvent<ClientCloseInfo>(client, 'close');
    await client.start();
    const chunk = Buffer.alloc(64 * 1024, 1);
    const outcomes: string[] = [];
    const buffered: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const sent = client.send(chunk);
      if (!sent.ok) break;
      outcomes.push(sent.value.outcome);
      buffered.push(sent.value.bufferedAmount);
      if (sent.value.outcome === 'dropped') break;
    }
    expect(outcomes).toContain('queued');
    expect(outcomes.at(-1)).toBe('dropped');
    const queuedAmounts = buffered.filter((_, i) => outcomes[i] === 'queued');
    expect(queuedAmounts.at(-1)!).toBeGreaterThan(queuedAmounts[0]!);
    const info = await closed;
    expect(info.diagnostic).toMatch(/slow consumer/);
  });

  it('heartbeat: a server that never answers pings is detected', async () => {
    const url = await hostileServer(() => {});
    const info = await closeAfter(url, { ping_interval: 40 });
    expect(info.code).toBe(1006);
    expect(info.reason).toBe('heartbeat timeout');
  });

  it('a connection reset by the server says so', async () => {
    // Reset once the client's first frame arrives: by then the 101 has left the server's buffer.
    const url = await hostileServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const client = makeClient({ url });
    const closed = nextEvent<ClientCloseInfo>(client, 'close');
    await client.start();
    client.send('poke');
    const info = await closed;
    expect(info.code).toBe(1006);
    expect(info.reason).toMatch(/reset by peer/);
  });

  it('client frames are masked and fragmented at fragment_size', async () => {
    let reader: ClientFrameReader | undefined;
    const url = await hostileServer((_socket, r) => {
      reader = r;
    });
    const client = makeClient({ url, fragment_size: 1000, per_message_deflate: false });
    await client.start();
    client.send(Buffer.alloc(2500, 7));
    await reader!.waitFor(3);
    const frames = reader!.frames.slice(0, 3);
    expect(frames.map((f) => f.masked)).toEqual([true, true, true]);
    expect(frames.map((f) => f.opcode)).toEqual([0x2, 0x0, 0x0]);
    expect(frames.map((f) => f.fin)).toEqual([false, false, true]);
    expect(Buffer.concat(frames.map((f) => f.payload))).toEqual(Buffer.alloc(2500, 7));
  });

  it('frames that arrive in the same packet as the 101 are delivered', async () => {
    const { url } = await startRawServer(resources, (socket) => {
      socket.once('data', (chunk: Buffer) => {
        const key = /sec-websocket-key: *(\S+)/i.exec(chunk.toString('latin1'))?.[1] ?? '';
        const head =
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${computeAccept(key)}\r\n\r\n`;
        socket.write(Buffer.concat([Buffer.from(head), serverFrame(0x1, 'early bird')]));
      });
    });
    const client = makeClient({ url });
    const message = nextEvent<string>(client, 'message');
    await client.start();
    expect(await message).toBe('early bird');
  });

  it('a 101 head that trickles in a byte per packet is buffered without copying everything per chunk', async () => {
    // ~6 KB of headers, one byte per write: concatenating the whole buffer on every chunk
    // would copy ~18 MB here; storage that grows by doubling copies ~12 KB.
    const padding = Array.from({ length: 60 }, (_, i) => `X-Pad-${i}: ${'p'.repeat(90)}\r\n`).join('');
    expect(padding.length).toBeGreaterThan(6000);
    const { url } = await startRawServer(resources, (socket) => {
      socket.setNoDelay(true);
      void readRequestHead(socket).then(({ head }) => {
        const key = headerOf(head, 'sec-websocket-key') ?? '';
        const response = Buffer.from(
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            `Sec-WebSocket-Accept: ${computeAccept(key)}\r\n${padding}\r\n`,
        );
        return writeByteByByte(socket, Buffer.concat([response, serverFrame(0x1, 'after the trickle')]));
      });
    });
    const client = makeClient({ url });
    const message = nextEvent<string>(client, 'message');
    const concat = vi.spyOn(Buffer, 'concat');
    let concatCalls = 0;
    try {
      const result = await client.start();
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value.headers['x-pad-59']).toBe('p'.repeat(90));
      expect(await message).toBe('after the trickle');
      concatCalls = concat.mock.calls.length;
    } finally {
      concat.mockRestore();
    }
    // Nothing on the client's handshake path concatenates per chunk.
    expect(concatCalls).toBeLessThan(10);
  });

  it('highWater and drain events let a sender pace itself', async () => {
    let serverSocket: net.Socket | undefined;
    const url = await hostileServer((socket) => {
      serverSocket = socket;
      socket.pause();
    });
    const client = makeClient({ url, per_message_deflate: false, backpressure: { policy: 'wait' } });
    await client.start();
    const marks: number[] = [];
    client.on('highWater', (amount) => marks.push(amount));
    const drained = nextEvent<void>(client, 'drain');
    const chunk = Buffer.alloc(256 * 1024, 5);
    for (let i = 0; i < 32 && marks.length === 0; i++) client.send(chunk);
    expect(marks).toHaveLength(1);
    expect(marks[0]).toBeGreaterThanOrEqual(64 * 1024); // backpressure.high_water_mark
    serverSocket!.resume();
    await drained;
    expect(client.readyState).toBe('open');
  });
});
