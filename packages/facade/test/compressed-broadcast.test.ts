import { constants, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { canShareCompressed, SharedCompression } from '../src/server/compressed-broadcast.js';

const params = (serverMaxWindowBits: number, serverNoContextTakeover = true) => ({
  serverNoContextTakeover,
  clientNoContextTakeover: false,
  serverMaxWindowBits,
  clientMaxWindowBits: 15,
});

/** Decodes a single unmasked frame with a 16-bit or 7-bit length. */
function decode(frame: Buffer): { fin: boolean; rsv1: boolean; opcode: number; payload: Buffer } {
  const len7 = frame[1]! & 0x7f;
  const offset = len7 === 126 ? 4 : 2;
  return {
    fin: (frame[0]! & 0x80) !== 0,
    rsv1: (frame[0]! & 0x40) !== 0,
    opcode: frame[0]! & 0x0f,
    payload: frame.subarray(offset),
  };
}

describe('SharedCompression', () => {
  it('builds one RSV1 frame that inflates (with the RFC 7692 trailer restored) to the payload', () => {
    const payload = Buffer.from('hello hello hello hello hello hello hello hello '.repeat(20));
    const shared = new SharedCompression(payload, false, 8);
    const prepared = shared.forReceiver(params(15));
    expect(prepared).not.toBeNull();
    const frame = decode(prepared!.frames[0]!);
    expect(frame).toMatchObject({ fin: true, rsv1: true, opcode: 0x1 });
    const inflated = inflateRawSync(Buffer.concat([frame.payload, Buffer.from([0, 0, 0xff, 0xff])]), {
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    expect(inflated.equals(payload)).toBe(true);
    expect(prepared!.wireSize).toBeLessThan(payload.length);
  });

  it('compresses once per negotiated window size and maps 8 bits to 9', () => {
    const payload = Buffer.alloc(5000, 'a');
    const shared = new SharedCompression(payload, true, 8);
    expect(shared.forReceiver(params(15))).toBe(shared.forReceiver(params(15)));
    expect(shared.forReceiver(params(8))).toBe(shared.forReceiver(params(9)));
    expect(shared.forReceiver(params(9))).not.toBe(shared.forReceiver(params(15)));
  });

  it('returns null when compression does not shrink the payload', () => {
    const shared = new SharedCompression(Buffer.from('q7Zx!'), false, 8); // 5 distinct bytes grow when deflated
    expect(shared.forReceiver(params(15))).toBeNull();
  });

  it('only receivers without server context takeover can share a compressed frame', () => {
    expect(canShareCompressed(params(15, true))).toBe(true);
    expect(canShareCompressed(params(15, false))).toBe(false);
    expect(canShareCompressed(null)).toBe(false);
  });
});
