import { describe, expect, it } from 'vitest';
import { Opcode } from '../src/constants.js';
import { encodeFrame, encodeFrameHeader, frameHeaderSize } from '../src/frame-encoder.js';
import { chop, hex, parseFrames } from './helpers.js';

const HELLO = Buffer.from('Hello');
const RFC_MASK = hex('37 fa 21 3d');

describe('RFC 6455 §5.7 examples', () => {
  it('encodes a single-frame unmasked text message', () => {
    expect(encodeFrame(Opcode.Text, HELLO)).toEqual(hex('81 05 48 65 6c 6c 6f'));
  });

  it('encodes a single-frame masked text message', () => {
    expect(encodeFrame(Opcode.Text, HELLO, { mask: RFC_MASK })).toEqual(
      hex('81 85 37 fa 21 3d 7f 9f 4d 51 58'),
    );
  });

  it('encodes a fragmented unmasked text message', () => {
    expect(encodeFrame(Opcode.Text, Buffer.from('Hel'), { fin: false })).toEqual(hex('01 03 48 65 6c'));
    expect(encodeFrame(Opcode.Continuation, Buffer.from('lo'))).toEqual(hex('80 02 6c 6f'));
  });

  it('encodes an unmasked ping and a masked pong', () => {
    expect(encodeFrame(Opcode.Ping, HELLO)).toEqual(hex('89 05 48 65 6c 6c 6f'));
    expect(encodeFrame(Opcode.Pong, HELLO, { mask: RFC_MASK })).toEqual(
      hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58'),
    );
  });

  it('encodes 256 bytes with a 16-bit length and 64 KiB with a 64-bit length', () => {
    const small = encodeFrame(Opcode.Binary, Buffer.alloc(256, 7));
    expect(small.subarray(0, 4)).toEqual(hex('82 7e 01 00'));
    expect(small.length).toBe(260);
    const large = encodeFrame(Opcode.Binary, Buffer.alloc(65536, 7));
    expect(large.subarray(0, 10)).toEqual(hex('82 7f 00 00 00 00 00 01 00 00'));
    expect(large.length).toBe(65546);
  });

  it('decodes each example (server side for masked, client side for unmasked)', () => {
    const unmasked = parseFrames(hex('81 05 48 65 6c 6c 6f'), 'client');
    expect(unmasked.frames).toEqual([{ fin: true, rsv1: false, opcode: 1, payload: HELLO }]);
    const masked = parseFrames(hex('81 85 37 fa 21 3d 7f 9f 4d 51 58'), 'server');
    expect(masked.frames).toEqual([{ fin: true, rsv1: false, opcode: 1, payload: HELLO }]);
    const fragmented = parseFrames(hex('01 03 48 65 6c 80 02 6c 6f'), 'client');
    expect(fragmented.frames.map((f) => [f.fin, f.opcode, f.payload.toString()])).toEqual([
      [false, 1, 'Hel'],
      [true, 0, 'lo'],
    ]);
    const ping = parseFrames(hex('89 05 48 65 6c 6c 6f'), 'client');
    expect(ping.frames[0]).toMatchObject({ opcode: 9, payload: HELLO });
    const pong = parseFrames(hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58'), 'server');
    expect(pong.frames[0]).toMatchObject({ opcode: 10, payload: HELLO });
  });

  it('decodes 16-bit and 64-bit lengths, whole and one byte at a time', () => {
    for (const size of [125, 126, 65535, 65536, 70000]) {
      const payload = Buffer.alloc(size, size & 0xff);
      const frame = encodeFrame(Opcode.Binary, payload);
      // Buffer.equals: a deep toEqual over 70 000 elements costs seconds.
      expect(parseFrames(frame, 'client').frames[0]!.payload.equals(payload)).toBe(true);
      const chunked = parseFrames(chop(frame, size > 1000 ? 997 : 1), 'client');
      expect(chunked.frames[0]!.payload.equals(payload)).toBe(true);
    }
  });
});

describe('encodeFrame', () => {
  it('sets RSV1 and leaves FIN off when asked', () => {
    expect(encodeFrame(Opcode.Binary, Buffer.alloc(0), { fin: false, rsv1: true })).toEqual(hex('42 00'));
  });

  it('masks with a fresh key per frame and never changes the caller payload', () => {
    const payload = Buffer.alloc(64, 0xaa);
    const a = encodeFrame(Opcode.Binary, payload, { mask: true });
    const b = encodeFrame(Opcode.Binary, payload, { mask: true });
    expect(payload.every((byte) => byte === 0xaa)).toBe(true);
    expect(a.subarray(2, 6).equals(b.subarray(2, 6))).toBe(false);
    expect(parseFrames(a, 'server').frames[0]!.payload).toEqual(payload);
  });

  it('rejects a mask key shorter than 4 bytes (a bug, so it throws)', () => {
    expect(() => encodeFrame(Opcode.Text, HELLO, { mask: new Uint8Array(2) })).toThrow(RangeError);
  });

  it('encodes headers alone and reports header sizes', () => {
    expect(encodeFrameHeader(Opcode.Binary, 5)).toEqual(hex('82 05'));
    expect(encodeFrameHeader(Opcode.Text, 300, { fin: false, rsv1: true })).toEqual(hex('41 7e 01 2c'));
    expect(encodeFrameHeader(Opcode.Binary, 2 ** 32 + 5)).toEqual(hex('82 7f 00 00 00 01 00 00 00 05'));
    expect([0, 125, 126, 65535, 65536].map((n) => frameHeaderSize(n, false))).toEqual([2, 2, 4, 4, 10]);
    expect(frameHeaderSize(10, true)).toBe(6);
  });
});
