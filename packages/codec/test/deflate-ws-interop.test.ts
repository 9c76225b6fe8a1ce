// Interop with ws's PerMessageDeflate (another implementation of RFC 7692 on node:zlib).
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  TransformTracker,
  type WsPerMessageDeflate,
  compress,
  createWsPerMessageDeflate,
  decompressFragments,
  params,
  sameBytes,
  sampleJson,
  splitAt,
  wsCall,
} from './deflate-support.js';

const tracker = new TransformTracker();
const wsInstances: WsPerMessageDeflate[] = [];
afterEach(() => {
  tracker.closeAll();
  for (const ws of wsInstances.splice(0)) ws.cleanup();
});

function ws(isServer: boolean, negotiated = params()): WsPerMessageDeflate {
  const instance = createWsPerMessageDeflate(isServer, negotiated);
  wsInstances.push(instance);
  return instance;
}

const variants = [
  params(),
  params({ serverNoContextTakeover: true, clientNoContextTakeover: true }),
  params({ serverMaxWindowBits: 9, clientMaxWindowBits: 10 }),
  params({ serverNoContextTakeover: true, clientMaxWindowBits: 12 }),
];

describe('ws ↔ Parley', () => {
  for (const negotiated of variants) {
    const label = JSON.stringify(negotiated);

    it(`ws (client) inflates what our server compresses, message after message: ${label}`, async () => {
      const server = tracker.create(negotiated, 'server', { windowBits: 15 });
      const client = ws(false, negotiated);
      for (let i = 0; i < 5; i++) {
        const payload = sampleJson(3000 + i * 4000, i);
        expect(sameBytes(await wsCall(client, 'decompress', await compress(server, payload)), payload)).toBe(
          'same',
        );
      }
      expect(await wsCall(client, 'decompress', await compress(server, Buffer.alloc(0)))).toEqual(
        Buffer.alloc(0),
      );
    });

    it(`our server inflates what ws (client) compresses: ${label}`, async () => {
      const server = tracker.create(negotiated, 'server');
      const client = ws(false, negotiated);
      for (let i = 0; i < 5; i++) {
        const payload = sampleJson(3000 + i * 4000, i + 10);
        const wire = await wsCall(client, 'compress', payload);
        expect(
          sameBytes(await decompressFragments(server, splitAt(wire, [1, wire.length >> 1])), payload),
        ).toBe('same');
      }
    });

    it(`both directions with the roles swapped: ${label}`, async () => {
      const client = tracker.create(negotiated, 'client');
      const server = ws(true, negotiated);
      for (let i = 0; i < 3; i++) {
        const payload = sampleJson(5000, i + 20);
        expect(sameBytes(await wsCall(server, 'decompress', await compress(client, payload)), payload)).toBe(
          'same',
        );
        expect(await decompressFragments(client, [await wsCall(server, 'compress', payload)])).toEqual(
          payload,
        );
      }
    });
  }

  it('random payloads and fragment splits from ws inflate correctly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.uint8Array({ maxLength: 3000 }).map((bytes) => Buffer.from(bytes)),
            fc.array(fc.nat({ max: 4000 }), { maxLength: 3 }),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        async (messages) => {
          const server = tracker.create(params(), 'server');
          const client = ws(false);
          for (const [payload, cuts] of messages) {
            const wire = await wsCall(client, 'compress', payload);
            expect(sameBytes(await decompressFragments(server, splitAt(wire, cuts)), payload)).toBe('same');
            expect(
              sameBytes(await wsCall(client, 'decompress', await compress(server, payload)), payload),
            ).toBe('same');
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
