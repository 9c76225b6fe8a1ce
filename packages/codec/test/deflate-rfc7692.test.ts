// RFC 7692 §7.2.3 examples, byte for byte (payloads without the frame header; the RFC's
// frames are c1 07 ... for a compressed text frame with RSV1 set).
import { afterEach, describe, expect, it } from 'vitest';
import {
  TransformTracker,
  compress,
  decompress,
  decompressFragments,
  decompressOutcome,
  hex,
  params,
} from './deflate-support.js';

const HELLO = Buffer.from('Hello');
const tracker = new TransformTracker();
afterEach(() => tracker.closeAll());

describe('RFC 7692 §7.2.3.1 a message compressed with one DEFLATE block', () => {
  it('compresses "Hello" to f2 48 cd c9 c9 07 00', async () => {
    for (const level of [1, 6, 9]) {
      const transform = tracker.create(params({ serverNoContextTakeover: true }), 'server', { level });
      expect((await compress(transform, HELLO)).toString('hex')).toBe('f248cdc9c90700');
    }
  });

  it('inflates the single frame and the two-fragment form', async () => {
    const transform = tracker.create(params({ clientNoContextTakeover: true }));
    expect(await decompress(transform, hex('f2 48 cd c9 c9 07 00'))).toEqual(HELLO);
    expect(await decompressFragments(transform, [hex('f2 48 cd'), hex('c9 c9 07 00')])).toEqual(HELLO);
  });
});

describe('RFC 7692 §7.2.3.2 sharing the LZ77 sliding window', () => {
  it('compresses the second "Hello" to f2 00 11 00 00 with context takeover', async () => {
    const transform = tracker.create(params(), 'client');
    expect((await compress(transform, HELLO)).toString('hex')).toBe('f248cdc9c90700');
    expect((await compress(transform, HELLO)).toString('hex')).toBe('f200110000');
  });

  it('compresses the second "Hello" like the first without context takeover', async () => {
    const transform = tracker.create(params({ clientNoContextTakeover: true }), 'client');
    expect((await compress(transform, HELLO)).toString('hex')).toBe('f248cdc9c90700');
    expect((await compress(transform, HELLO)).toString('hex')).toBe('f248cdc9c90700');
  });

  it('inflates the second message against the first one', async () => {
    const transform = tracker.create();
    expect(await decompress(transform, hex('f2 48 cd c9 c9 07 00'))).toEqual(HELLO);
    expect(await decompress(transform, hex('f2 00 11 00 00'))).toEqual(HELLO);
  });

  it('fails the back-reference when the peer has no_context_takeover (the window was reset)', async () => {
    const transform = tracker.create(params({ clientNoContextTakeover: true }));
    expect(await decompress(transform, hex('f2 48 cd c9 c9 07 00'))).toEqual(HELLO);
    const { error } = await decompressOutcome(transform, hex('f2 00 11 00 00'));
    expect(error?.code).toBe('INFLATE_FAILED');
  });
});

describe('RFC 7692 §7.2.3.3 a DEFLATE block with no compression', () => {
  it('inflates 00 05 00 fa ff 48 65 6c 6c 6f 00', async () => {
    const transform = tracker.create();
    expect(await decompress(transform, hex('00 05 00 fa ff 48 65 6c 6c 6f 00'))).toEqual(HELLO);
  });
});

describe('RFC 7692 §7.2.3.4 a DEFLATE block with BFINAL set', () => {
  it('inflates f3 48 cd c9 c9 07 00 00 and starts a fresh stream for the next message', async () => {
    const transform = tracker.create();
    expect(await decompress(transform, hex('f3 48 cd c9 c9 07 00 00'))).toEqual(HELLO);
    expect(transform.contexts).toBe(0);
    expect(await decompress(transform, hex('f2 48 cd c9 c9 07 00'))).toEqual(HELLO);
    expect(await decompress(transform, hex('f3 48 cd c9 c9 07 00 00'))).toEqual(HELLO);
  });

  it('ignores fragments that follow the final block of a message', async () => {
    const transform = tracker.create();
    expect(await decompressFragments(transform, [hex('f3 48 cd c9 c9 07 00 00'), hex('ff ff ff')])).toEqual(
      HELLO,
    );
  });
});

describe('RFC 7692 §7.2.3.5 two DEFLATE blocks in one message', () => {
  it('inflates f2 48 05 00 00 00 ff ff ca c9 c9 07 00', async () => {
    const transform = tracker.create();
    expect(await decompress(transform, hex('f2 48 05 00 00 00 ff ff ca c9 c9 07 00'))).toEqual(HELLO);
  });
});

describe('RFC 7692 §7.2.3.6 generating an empty fragment', () => {
  it('compresses an empty message to the single byte 00, with and without takeover', async () => {
    const fresh = tracker.create(params({ serverNoContextTakeover: true }));
    expect((await compress(fresh, Buffer.alloc(0))).toString('hex')).toBe('00');
    const shared = tracker.create();
    await compress(shared, HELLO);
    expect((await compress(shared, Buffer.alloc(0))).toString('hex')).toBe('00');
    expect((await compress(shared, Buffer.alloc(0))).toString('hex')).toBe('00');
    // ...and the window survives the empty messages.
    expect((await compress(shared, HELLO)).toString('hex')).toBe('f200110000');
  });

  it('inflates 00 as an empty message and as an empty last fragment', async () => {
    const transform = tracker.create();
    expect(await decompress(transform, hex('00'))).toEqual(Buffer.alloc(0));
    // A sender that flushes each fragment keeps 00 00 ff ff on all but the last one.
    expect(
      await decompressFragments(transform, [hex('f2 48 cd c9 c9 07 00 00 00 ff ff'), hex('00')]),
    ).toEqual(HELLO);
  });

  it('accepts a last fragment with no payload at all (the trailer alone)', async () => {
    const transform = tracker.create();
    expect(await decompressFragments(transform, [hex('f2 48 cd c9 c9 07 00'), Buffer.alloc(0)])).toEqual(
      HELLO,
    );
    expect(await decompressFragments(transform, [Buffer.alloc(0), hex('f2 00 11 00 00')])).toEqual(HELLO);
  });
});
