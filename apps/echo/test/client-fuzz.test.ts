// A conformance suite of our own for `echo client`, from the server's side: a fuzzing raw
// server completes the handshake, sends crafted frames (RFC 6455 §5–7, RFC 7692) and checks
// what the echo client answers. Valid traffic must come back byte-exact in order; every
// violation must end with a close frame carrying the right code and the TCP connection closed.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as net from 'node:net';
import { constants, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { runEchoClient } from '../src/index.js';

/** RFC 6455 §4.2.2: base64(SHA-1(key + GUID)). */
function computeAccept(key: string): string {
  return createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
}

interface Frame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

/** Decodes the client's frames (masked) as they arrive. */
function decodeFrames(buffer: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let offset = 0;
  for (;;) {
    if (buffer.length - offset < 2) break;
    const b0 = buffer[offset]!;
    const b1 = buffer[offset + 1]!;
    let length = b1 & 0x7f;
    let cursor = offset + 2;
    if (length === 126) {
      if (buffer.length - cursor < 2) break;
      length = buffer.readUInt16BE(cursor);
      cursor += 2;
    } else if (length === 127) {
      if (buffer.length - cursor < 8) break;
      length = Number(buffer.readBigUInt64BE(cursor));
      cursor += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const mask = masked ? buffer.subarray(cursor, cursor + 4) : null;
    if (masked) cursor += 4;
    if (buffer.length - cursor < length) break;
    const payload = Buffer.from(buffer.subarray(cursor, cursor + length));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
    frames.push({ fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 7, opcode: b0 & 0x0f, masked, payload });
    offset = cursor + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  fin?: boolean;
  rsv?: number;
  mask?: boolean;
  /** Override the 7-bit length field (for the 64-bit MSB case). */
  rawLength?: Buffer;
}

function frame(spec: FrameSpec): Buffer {
  const payload =
    typeof spec.payload === 'string' ? Buffer.from(spec.payload) : (spec.payload ?? Buffer.alloc(0));
  const b0 = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode;
  const maskBit = spec.mask ? 0x80 : 0;
  let header: Buffer;
  if (spec.rawLength) header = Buffer.concat([Buffer.from([b0, maskBit | 127]), spec.rawLength]);
  else if (payload.length < 126) header = Buffer.from([b0, maskBit | payload.length]);
  else if (payload.length < 65536) {
    header = Buffer.from([b0, maskBit | 126, 0, 0]);
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = b0;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  if (!spec.mask) return Buffer.concat([header, payload]);
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= key[i & 3]!;
  return Buffer.concat([header, key, masked]);
}

function closePayload(code: number, reason: Buffer | string = ''): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(code);
  return Buffer.concat([head, typeof reason === 'string' ? Buffer.from(reason) : reason]);
}

/** Sync-flushed raw deflate without the 00 00 ff ff tail (RFC 7692 §7.2.1). */
function compress(data: Buffer | string): Buffer {
  const out = deflateRawSync(typeof data === 'string' ? Buffer.from(data) : data, {
    finishFlush: constants.Z_SYNC_FLUSH,
  });
  return out.subarray(0, out.length - 4);
}

interface Session {
  /** Every frame the client sent until it closed the TCP connection. */
  frames: Frame[];
  offeredDeflate: boolean;
}

const openServers: net.Server[] = [];
afterEach(async () => {
  for (const server of openServers.splice(0)) {
    server.close();
    await once(server, 'close');
  }
});

/**
 * Runs one case: starts a fuzzing server, runs the echo client against it, writes `script`'s
 * chunks after the handshake and collects the client's frames until it closes. When the
 * client sends a close frame and `replyToClose` is set, the server answers and ends TCP.
 */
async function runCase(
  chunks: Buffer[],
  options: { deflate?: boolean; replyToClose?: boolean } = {},
): Promise<Session> {
  let session!: Promise<Session>;
  const server = net.createServer((socket) => {
    session = new Promise<Session>((resolve) => {
      let buffered: Buffer = Buffer.alloc(0);
      let upgraded = false;
      const frames: Frame[] = [];
      let offeredDeflate = false;
      socket.on('error', () => {});
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (!upgraded) {
          const end = buffered.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buffered.subarray(0, end).toString('latin1');
          buffered = buffered.subarray(end + 4);
          upgraded = true;
          const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? '';
          offeredDeflate = /sec-websocket-extensions:.*permessage-deflate/i.test(head);
          const extension =
            options.deflate && offeredDeflate ? 'Sec-WebSocket-Extensions: permessage-deflate\r\n' : '';
          socket.write(
            'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
              `Sec-WebSocket-Accept: ${computeAccept(key)}\r\n${extension}\r\n`,
          );
          for (const piece of chunks) socket.write(piece);
        }
        const decoded = decodeFrames(buffered);
        buffered = decoded.rest;
        for (const f of decoded.frames) {
          frames.push(f);
          if (f.opcode === 0x8 && options.replyToClose !== false && !socket.writableEnded) {
            socket.end(frame({ opcode: 0x8, payload: f.payload.subarray(0, 2) }));
          }
        }
      });
      socket.on('close', () => resolve({ frames, offeredDeflate }));
    });
  });
  openServers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const result = await runEchoClient(`ws://127.0.0.1:${port}/`, { config: { close_timeout: 2000 } });
  expect(result.opened).toBe(true);
  return session;
}

function closeCodeOf(frames: Frame[]): number | undefined {
  const close = frames.find((f) => f.opcode === 0x8);
  if (close === undefined) return undefined;
  return close.payload.length >= 2 ? close.payload.readUInt16BE(0) : 1005;
}

function dataFrames(frames: Frame[]): Frame[] {
  return frames.filter((f) => f.opcode <= 0x2);
}

/** Whole messages from data frames (assembling continuations). */
function messages(frames: Frame[]): { binary: boolean; data: Buffer }[] {
  const out: { binary: boolean; data: Buffer }[] = [];
  let current: { binary: boolean; parts: Buffer[] } | null = null;
  for (const f of dataFrames(frames)) {
    if (f.opcode !== 0) current = { binary: f.opcode === 2, parts: [] };
    current!.parts.push(f.payload);
    if (f.fin) {
      out.push({ binary: current!.binary, data: Buffer.concat(current!.parts) });
      current = null;
    }
  }
  return out;
}

const CLOSE_1000 = frame({ opcode: 0x8, payload: closePayload(1000) });

describe('echo client conformance (fuzzing server)', () => {
  describe('protocol violations fail the connection with the right close code', () => {
    const cases: [string, Buffer[], number[]][] = [
      ['masked frame from the server (§5.1)', [frame({ opcode: 1, payload: 'hi', mask: true })], [1002]],
      ['RSV1 without an extension (§5.2)', [frame({ opcode: 1, payload: 'x', rsv: 4 })], [1002]],
      ['RSV2 (§5.2)', [frame({ opcode: 1, payload: 'x', rsv: 2 })], [1002]],
      ['RSV3 (§5.2)', [frame({ opcode: 2, payload: 'x', rsv: 1 })], [1002]],
      ...[3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf].map(
        (opcode) =>
          [`reserved opcode 0x${opcode.toString(16)} (§5.2)`, [frame({ opcode })], [1002]] as [
            string,
            Buffer[],
            number[],
          ],
      ),
      ['fragmented ping (§5.4)', [frame({ opcode: 9, fin: false, payload: 'a' })], [1002]],
      ['ping payload of 126 bytes (§5.5)', [frame({ opcode: 9, payload: Buffer.alloc(126) })], [1002]],
      ['close payload of 1 byte (§5.5.1)', [frame({ opcode: 8, payload: Buffer.from([3]) })], [1002]],
      ['continuation without a start (§5.4)', [frame({ opcode: 0, payload: 'x' })], [1002]],
      [
        'new data frame inside a fragmented message (§5.4)',
        [frame({ opcode: 1, fin: false, payload: 'a' }), frame({ opcode: 1, payload: 'b' })],
        [1002],
      ],
      [
        '64-bit length with the most significant bit set (§5.2)',
        [frame({ opcode: 2, rawLength: Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 1]) })],
        [1002, 1009],
      ],
      [
        'invalid UTF-8 in a text message (§8.1)',
        [frame({ opcode: 1, payload: Buffer.from([0xce, 0xba, 0xe1, 0xbd]) })],
        [1007],
      ],
      [
        'invalid UTF-8 detected in the first fragment, before the message ends (fail fast)',
        [frame({ opcode: 1, fin: false, payload: Buffer.from([0xce, 0xba, 0xff]) })],
        [1007],
      ],
      ...[0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000].map(
        (code) =>
          [
            `close code ${code} is invalid on the wire (§7.4)`,
            [frame({ opcode: 8, payload: closePayload(code) })],
            [1002],
          ] as [string, Buffer[], number[]],
      ),
      [
        'close reason with invalid UTF-8 (§5.5.1)',
        [frame({ opcode: 8, payload: closePayload(1000, Buffer.from([0xff, 0xfe])) })],
        [1002, 1007],
      ],
    ];
    for (const [name, chunks, codes] of cases) {
      it(name, async () => {
        const { frames } = await runCase(chunks);
        expect(codes).toContain(closeCodeOf(frames));
        expect(dataFrames(frames)).toEqual([]);
        expect(frames.every((f) => f.masked)).toBe(true);
      });
    }
  });

  describe('valid traffic', () => {
    it('close 1000 is answered with close 1000', async () => {
      const { frames } = await runCase([CLOSE_1000], { replyToClose: false });
      expect(closeCodeOf(frames)).toBe(1000);
    });

    it('a close with code 3000 and a reason is echoed with that code', async () => {
      const { frames } = await runCase([frame({ opcode: 8, payload: closePayload(3000, 'app done') })], {
        replyToClose: false,
      });
      expect(closeCodeOf(frames)).toBe(3000);
    });

    it('an empty close is answered with an empty close or 1000', async () => {
      const { frames } = await runCase([frame({ opcode: 8 })], { replyToClose: false });
      expect([1000, 1005]).toContain(closeCodeOf(frames));
    });

    it('a ping in the middle of a fragmented message is answered at once, the message echoed whole', async () => {
      const { frames } = await runCase([
        frame({ opcode: 1, fin: false, payload: 'frag' }),
        frame({ opcode: 9, payload: 'mid' }),
        frame({ opcode: 0, fin: false, payload: 'men' }),
        frame({ opcode: 0, payload: 'ted' }),
        CLOSE_1000,
      ]);
      const pong = frames.find((f) => f.opcode === 0xa);
      expect(pong?.payload.toString()).toBe('mid');
      expect(frames.indexOf(pong!)).toBeLessThan(frames.findIndex((f) => f.opcode === 1));
      expect(messages(frames).map((m) => m.data.toString())).toEqual(['fragmented']);
    });

    it('empty text, empty binary and a 64 KiB message (16-bit and 64-bit lengths) come back', async () => {
      const big = Buffer.alloc(70_000, 0x61);
      const { frames } = await runCase([
        frame({ opcode: 1 }),
        frame({ opcode: 2 }),
        frame({ opcode: 2, payload: Buffer.alloc(200, 1) }),
        frame({ opcode: 1, payload: big }),
        CLOSE_1000,
      ]);
      const echoed = messages(frames);
      expect(echoed.map((m) => [m.binary, m.data.length])).toEqual([
        [false, 0],
        [true, 0],
        [true, 200],
        [false, 70_000],
      ]);
      expect(closeCodeOf(frames)).toBe(1000);
    });

    it('random message sequences, fragmentations, pings and TCP splits are echoed exactly (fast-check)', async () => {
      const message = fc.record({
        binary: fc.boolean(),
        text: fc.string({ unit: 'grapheme', maxLength: 60 }),
        bytes: fc.uint8Array({ maxLength: 300 }),
        fragments: fc.integer({ min: 1, max: 4 }),
        pingBefore: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(message, { minLength: 1, maxLength: 8 }),
          fc.integer({ min: 1, max: 64 }),
          async (list, split) => {
            const parts: Buffer[] = [];
            const pings: string[] = [];
            for (const m of list) {
              if (m.pingBefore !== undefined) {
                pings.push(m.pingBefore);
                parts.push(frame({ opcode: 9, payload: m.pingBefore }));
              }
              const data = m.binary ? Buffer.from(m.bytes) : Buffer.from(m.text);
              const size = Math.ceil(data.length / m.fragments) || 1;
              const pieces: Buffer[] = [];
              for (let at = 0; at < data.length; at += size) pieces.push(data.subarray(at, at + size));
              if (pieces.length === 0) pieces.push(Buffer.alloc(0));
              pieces.forEach((piece, i) => {
                parts.push(
                  frame({
                    opcode: i === 0 ? (m.binary ? 2 : 1) : 0,
                    fin: i === pieces.length - 1,
                    payload: piece,
                  }),
                );
              });
            }
            parts.push(CLOSE_1000);
            const stream = Buffer.concat(parts);
            const chunks: Buffer[] = [];
            for (let at = 0; at < stream.length; at += split) chunks.push(stream.subarray(at, at + split));
            const { frames } = await runCase(chunks);
            const echoed = messages(frames);
            expect(echoed.map((m) => m.binary)).toEqual(list.map((m) => m.binary));
            expect(echoed.map((m) => m.data.toString('hex'))).toEqual(
              list.map((m) => (m.binary ? Buffer.from(m.bytes) : Buffer.from(m.text)).toString('hex')),
            );
            expect(frames.filter((f) => f.opcode === 0xa).map((f) => f.payload.toString())).toEqual(pings);
            expect(closeCodeOf(frames)).toBe(1000);
          },
        ),
        { numRuns: 25 },
      );
    });
  });

  describe('permessage-deflate (RFC 7692)', () => {
    it('offers permessage-deflate and echoes a compressed message', async () => {
      const { frames, offeredDeflate } = await runCase(
        [frame({ opcode: 1, rsv: 4, payload: compress('squeezed hello') }), CLOSE_1000],
        { deflate: true },
      );
      expect(offeredDeflate).toBe(true);
      expect(messages(frames).map((m) => m.data.toString())).toEqual(['squeezed hello']);
    });

    it('a compressed message split over fragments (RSV1 on the first only) is echoed', async () => {
      const packed = compress('fragmented and compressed');
      const { frames } = await runCase(
        [
          frame({ opcode: 1, rsv: 4, fin: false, payload: packed.subarray(0, 5) }),
          frame({ opcode: 0, payload: packed.subarray(5) }),
          CLOSE_1000,
        ],
        { deflate: true },
      );
      expect(messages(frames).map((m) => m.data.toString())).toEqual(['fragmented and compressed']);
    });

    it('RSV1 on a continuation frame is a protocol error (§6.1)', async () => {
      const packed = compress('abc');
      const { frames } = await runCase(
        [
          frame({ opcode: 1, rsv: 4, fin: false, payload: packed.subarray(0, 2) }),
          frame({ opcode: 0, rsv: 4, payload: packed.subarray(2) }),
        ],
        { deflate: true },
      );
      expect(closeCodeOf(frames)).toBe(1002);
    });

    it('RSV1 on a control frame is a protocol error', async () => {
      const { frames } = await runCase([frame({ opcode: 9, rsv: 4, payload: 'x' })], { deflate: true });
      expect(closeCodeOf(frames)).toBe(1002);
    });

    it('a corrupt deflate stream fails the connection', async () => {
      const { frames } = await runCase(
        [frame({ opcode: 2, rsv: 4, payload: Buffer.from([0xff, 0xff, 0xff, 0xff]) })],
        {
          deflate: true,
        },
      );
      expect([1002, 1007]).toContain(closeCodeOf(frames));
      expect(dataFrames(frames)).toEqual([]);
    });
  });
});
