// A conformance suite of our own for `echo client`, from the server's side: a fuzzing raw
// server completes the handshake, sends crafted frames (RFC 6455 §5–7, RFC 7692) and checks
// what the echo client answers. Valid traffic must come back byte-exact in order; every
// violation must end with a close frame carrying the right code and the TCP connection closed.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLOSE_1000,
  closeCodeOf,
  closeFuzzServers,
  closePayload,
  compress,
  dataFrames,
  frame,
  messages,
  runCase,
} from './client-fuzz-harness.js';

afterEach(closeFuzzServers);

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
