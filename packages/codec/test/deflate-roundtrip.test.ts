import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  TransformTracker,
  compress,
  decompress,
  decompressFragments,
  params,
  sameBytes,
  sampleJson,
  splitAt,
} from './deflate-support.js';

const tracker = new TransformTracker();
afterEach(() => tracker.closeAll());

const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** Payloads that compress well, badly, and not at all. */
const payloadArb = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ maxLength: 2000 }).map((text) => Buffer.from(text.repeat(3))),
  fc.constantFrom(Buffer.alloc(0), Buffer.alloc(40_000, 0x61), sampleJson(20_000)),
);

describe('round trips between a client and a server transform', () => {
  it('every message of a sequence survives compress → arbitrary fragmentation → decompress', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(payloadArb, fc.array(fc.nat(), { maxLength: 4 })), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.boolean(),
        async (messages, serverNoContextTakeover, clientNoContextTakeover) => {
          const negotiated = params({ serverNoContextTakeover, clientNoContextTakeover });
          const server = tracker.create(negotiated, 'server');
          const client = tracker.create(negotiated, 'client');
          for (const [payload, cuts] of messages) {
            const wire = await compress(server, payload);
            const fragments = splitAt(
              wire,
              cuts.map((cut) => cut % (wire.length + 1)),
            );
            expect(sameBytes(await decompressFragments(client, fragments), payload)).toBe('same');
            const back = await compress(client, payload);
            expect(sameBytes(await decompressFragments(server, splitAt(back, cuts)), payload)).toBe('same');
          }
          server.close();
          client.close();
        },
      ),
      { numRuns: 50 },
    );
  });

  it('window bits 8..15 in both directions', async () => {
    const payloads = [sampleJson(12_000, 7), Buffer.from('abcdefgh'.repeat(2000)), Buffer.from('x')];
    for (let bits = 8; bits <= 15; bits++) {
      const negotiated = params({ serverMaxWindowBits: bits, clientMaxWindowBits: bits });
      // windowBits 15 here so the negotiated value, not our default cap, is what limits the window.
      const server = tracker.create(negotiated, 'server', { windowBits: 15 });
      const client = tracker.create(negotiated, 'client', { windowBits: 15 });
      expect(server.settings.deflateWindowBits).toBe(Math.max(bits, 9));
      expect(client.settings.inflateWindowBits).toBe(Math.max(bits, 9));
      for (const payload of payloads) {
        expect(sameBytes(await decompress(client, await compress(server, payload)), payload)).toBe('same');
        expect(sameBytes(await decompress(server, await compress(client, payload)), payload)).toBe('same');
      }
    }
  });

  it('our 9-bit deflater (zlib cannot do 8) stays within a 256-byte window', async () => {
    // zlib never emits a distance above window size - 262 = 250, so an inflater limited to an
    // 8-bit window (zlib's inflate accepts 8) decodes our output for an 8-bit agreement.
    const server = tracker.create(params({ serverMaxWindowBits: 8 }), 'server');
    const payload = Buffer.from(Array.from({ length: 3000 }, (_, i) => `${i % 97},`).join(''));
    const wire = await compress(server, payload);
    const inflated = inflateRawSync(Buffer.concat([wire, TRAILER]), {
      windowBits: 8,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    expect(inflated).toEqual(payload);
  });

  it('caps our window with the windowBits option below the negotiated bits', async () => {
    const server = tracker.create(params(), 'server');
    expect(server.settings).toMatchObject({
      deflateWindowBits: 15,
      inflateWindowBits: 15,
      level: 1,
      memLevel: 8,
    });
    const capped = tracker.create(params(), 'server', { windowBits: 12 });
    expect(capped.settings.deflateWindowBits).toBe(12);
    const client = tracker.create(params({ clientMaxWindowBits: 10 }), 'client', { windowBits: 12 });
    expect(client.settings.deflateWindowBits).toBe(10);
    const payload = sampleJson(9000);
    expect(
      sameBytes(
        await decompress(tracker.create(params(), 'client'), await compress(capped, payload)),
        payload,
      ),
    ).toBe('same');
  });
});

describe('context takeover', () => {
  it('compresses a repeated message smaller the second time only with takeover', async () => {
    const message = sampleJson(2000, 3);
    const shared = tracker.create(params(), 'server');
    const first = await compress(shared, message);
    const second = await compress(shared, message);
    expect(second.length).toBeLessThan(first.length / 4);

    const reset = tracker.create(params({ serverNoContextTakeover: true }), 'server');
    const again1 = await compress(reset, message);
    const again2 = await compress(reset, message);
    expect(again2).toEqual(again1);
    expect(again1).toEqual(first);
  });

  it('holds no context between messages for sides without takeover (pooled)', async () => {
    const transform = tracker.create(
      params({ serverNoContextTakeover: true, clientNoContextTakeover: true }),
    );
    expect(transform.contexts).toBe(0);
    const wire = await compress(transform, sampleJson(5000));
    expect(transform.contexts).toBe(0);
    const peer = tracker.create(
      params({ serverNoContextTakeover: true, clientNoContextTakeover: true }),
      'client',
    );
    expect(await decompress(peer, wire)).toEqual(sampleJson(5000));
    expect(peer.contexts).toBe(0);
  });

  it('creates contexts lazily and keeps them with takeover', async () => {
    const transform = tracker.create(params(), 'server');
    expect(transform.contexts).toBe(0);
    await compress(transform, Buffer.from('one'));
    expect(transform.contexts).toBe(1);
    await decompress(transform, await compress(tracker.create(params(), 'client'), Buffer.from('two')));
    expect(transform.contexts).toBe(2);
    transform.close();
    expect(transform.contexts).toBe(0);
  });
});

describe('interop with zlib one-shot output', () => {
  it('inflates deflateRawSync output at every level, sync-flushed or finished', async () => {
    const payload = sampleJson(30_000, 11);
    const transform = tracker.create();
    for (const level of [0, 1, 6, 9]) {
      const flushed = deflateRawSync(payload, { level, finishFlush: constants.Z_SYNC_FLUSH });
      expect(flushed.subarray(-4)).toEqual(TRAILER);
      expect(sameBytes(await decompress(transform, flushed.subarray(0, -4)), payload)).toBe('same');
      // A finished stream (BFINAL) is valid too (§7.2.3.4).
      expect(sameBytes(await decompress(transform, deflateRawSync(payload, { level })), payload)).toBe(
        'same',
      );
    }
  });

  it('produces output that inflateRawSync decodes after appending the trailer', async () => {
    const transform = tracker.create(params({ serverNoContextTakeover: true }));
    const payload = sampleJson(10_000, 5);
    const wire = await compress(transform, payload);
    expect(inflateRawSync(Buffer.concat([wire, TRAILER]), { finishFlush: constants.Z_SYNC_FLUSH })).toEqual(
      payload,
    );
  });
});
