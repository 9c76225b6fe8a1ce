import { constants, deflateRawSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PerMessageDeflate } from '../src/deflate/per-message-deflate.js';
import type { ZlibEnginePool } from '../src/deflate/zlib-engine-pool.js';
import {
  type Outcome,
  TransformTracker,
  compress,
  decompress,
  decompressOutcome,
  hex,
  params,
  sameBytes,
  sampleJson,
  splitAt,
} from './deflate-support.js';

const tracker = new TransformTracker();
afterEach(() => tracker.closeAll());

const MiB = 1024 * 1024;
const CHUNK = 16 * 1024;

function syncFlushed(payload: Buffer): Buffer {
  return deflateRawSync(payload, { level: 9, finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, -4);
}

describe('compression bomb', () => {
  let bomb: Buffer;
  beforeAll(() => {
    // 100 MiB of zeros deflate to about 100 KiB.
    bomb = syncFlushed(Buffer.alloc(100 * MiB));
    expect(bomb.length).toBeLessThan(200 * 1024);
  });

  it('fails with MESSAGE_TOO_BIG and stops inflating right after maxPayload', async () => {
    const transform = tracker.create(params(), 'server', { maxPayload: MiB });
    const { error, result } = await decompressOutcome(transform, bomb);
    expect(error?.code).toBe('MESSAGE_TOO_BIG');
    expect(result).toBeNull();
    // zlib produced at most one output chunk beyond the limit, not 100 MiB.
    expect(transform.inflatedBytes).toBeGreaterThan(MiB);
    expect(transform.inflatedBytes).toBeLessThanOrEqual(MiB + CHUNK);
    expect(transform.contexts).toBe(0);
  });

  it('also stops early with a pooled inflater (peer without context takeover, 64 KiB output buffer)', async () => {
    const transform = tracker.create(params({ clientNoContextTakeover: true }), 'server', {
      maxPayload: MiB,
    });
    const { error } = await decompressOutcome(transform, bomb);
    expect(error?.code).toBe('MESSAGE_TOO_BIG');
    expect(transform.inflatedBytes).toBeLessThanOrEqual(MiB + 64 * 1024);
  });

  it('fails on the first fragment that crosses the limit; later fragments get the same error', async () => {
    const transform = tracker.create(params(), 'server', { maxPayload: MiB });
    const fragments = splitAt(bomb, [5000, 20_000, 40_000]);
    const outcomes = await Promise.all(fragments.map((f, i) => decompressOutcome(transform, f, i === 3)));
    // The first 5000 compressed bytes already inflate to about 5 MiB.
    expect(outcomes.map((o) => o.error?.code)).toEqual([
      'MESSAGE_TOO_BIG',
      'MESSAGE_TOO_BIG',
      'MESSAGE_TOO_BIG',
      'MESSAGE_TOO_BIG',
    ]);
    expect(transform.inflatedBytes).toBeLessThanOrEqual(MiB + CHUNK);
  });
});

describe('maxPayload', () => {
  it('accepts exactly maxPayload bytes and refuses one more', async () => {
    const exact = tracker.create(params(), 'server', { maxPayload: 1000 });
    expect(await decompress(exact, syncFlushed(Buffer.alloc(1000, 7)))).toEqual(Buffer.alloc(1000, 7));
    const over = tracker.create(params(), 'server', { maxPayload: 1000 });
    const { error } = await decompressOutcome(over, syncFlushed(Buffer.alloc(1001, 7)));
    expect(error?.code).toBe('MESSAGE_TOO_BIG');
    expect(error?.message).toContain('1000');
  });

  it('counts the whole message across fragments, and each message on its own', async () => {
    const transform = tracker.create(params({ clientNoContextTakeover: true }), 'server', {
      maxPayload: 1000,
    });
    for (let i = 0; i < 5; i++) {
      expect(await decompress(transform, syncFlushed(Buffer.alloc(900, i)))).toEqual(Buffer.alloc(900, i));
    }
    // One message sent as three separately flushed fragments of 400 bytes each.
    const pieces = [0, 1, 2].map((i) =>
      deflateRawSync(Buffer.alloc(400, i + 1), { finishFlush: constants.Z_SYNC_FLUSH }),
    );
    const first = await decompressOutcome(transform, pieces[0]!, false);
    const second = await decompressOutcome(transform, pieces[1]!, false);
    expect([first, second]).toEqual([
      { error: null, result: null },
      { error: null, result: null },
    ]);
    const third = await decompressOutcome(transform, pieces[2]!.subarray(0, -4), true);
    expect(third.error?.code).toBe('MESSAGE_TOO_BIG');
  });

  it('Infinity disables the limit', async () => {
    const transform = tracker.create(params(), 'server', { maxPayload: Number.POSITIVE_INFINITY });
    const payload = Buffer.alloc(3 * MiB, 1);
    expect(sameBytes(await decompress(transform, syncFlushed(payload)), payload)).toBe('same');
  });
});

describe('corrupt input', () => {
  it('fails with INFLATE_FAILED on an invalid block type and on garbage', async () => {
    for (const bad of [hex('07 ff'), hex('ff ff ff ff ff'), hex('00 05 00 00 00 48')]) {
      const transform = tracker.create();
      const { error, result } = await decompressOutcome(transform, bad);
      expect(error?.code).toBe('INFLATE_FAILED');
      expect(error?.cause).toBeInstanceOf(Error);
      expect(result).toBeNull();
      expect(transform.contexts).toBe(0);
    }
  });

  it('fails every later decompress asynchronously, while compress keeps working', async () => {
    const transform = tracker.create();
    const queued = decompressOutcome(transform, hex('f2 48 cd c9 c9 07 00'));
    const bad = decompressOutcome(transform, hex('07 ff'));
    const afterBad = decompressOutcome(transform, hex('f2 48 cd c9 c9 07 00'));
    expect((await queued).result).toEqual(Buffer.from('Hello'));
    expect((await bad).error?.code).toBe('INFLATE_FAILED');
    expect((await afterBad).error?.code).toBe('INFLATE_FAILED');

    let calledBack = false;
    const later = new Promise((resolve) => {
      transform.decompress(hex('00'), true, (error) => {
        calledBack = true;
        resolve(error?.code);
      });
    });
    expect(calledBack).toBe(false);
    expect(await later).toBe('INFLATE_FAILED');
    expect(await compress(transform, Buffer.from('Hello'))).toEqual(hex('f2 48 cd c9 c9 07 00'));
  });

  it('detects a stored block whose length check fails inside a fragmented message', async () => {
    const transform = tracker.create();
    // A byte-aligned first fragment, then a stored block whose NLEN is not ~LEN.
    const first = deflateRawSync(sampleJson(3000), { finishFlush: constants.Z_SYNC_FLUSH });
    const outcomes = await Promise.all([
      decompressOutcome(transform, first, false),
      decompressOutcome(transform, hex('00 05 00 05 00'), false),
      decompressOutcome(transform, hex('f2 48 cd c9 c9 07 00'), true),
    ]);
    expect(outcomes.map((o) => o.error?.code ?? null)).toEqual([null, 'INFLATE_FAILED', 'INFLATE_FAILED']);
  });
});

describe('option checks (bugs in the caller throw)', () => {
  it('rejects out-of-range options and params', () => {
    const p = params();
    expect(() => new PerMessageDeflate(p, 'server', { maxPayload: 0 })).toThrow(RangeError);
    expect(() => new PerMessageDeflate(p, 'server', { maxPayload: Number.NaN })).toThrow(RangeError);
    expect(() => new PerMessageDeflate(p, 'server', { maxPayload: 1, level: 10 })).toThrow(/level/);
    expect(() => new PerMessageDeflate(p, 'server', { maxPayload: 1, memLevel: 0 })).toThrow(/memLevel/);
    expect(() => new PerMessageDeflate(p, 'server', { maxPayload: 1, windowBits: 16 })).toThrow(/windowBits/);
    expect(() => new PerMessageDeflate(p, 'server', { maxPayload: 1, chunkSize: 10 })).toThrow(/chunkSize/);
    expect(
      () => new PerMessageDeflate(params({ clientMaxWindowBits: 7 }), 'server', { maxPayload: 1 }),
    ).toThrow(/max_window_bits/);
    expect(
      () => new PerMessageDeflate(params({ serverMaxWindowBits: 1.5 }), 'client', { maxPayload: 1 }),
    ).toThrow(RangeError);
  });
});

describe('deflate failures', () => {
  it('reports DEFLATE_FAILED and compresses the next message with a fresh context', async () => {
    // zlib's deflate does not fail on any input; a pool handing out a failing engine stands in.
    const failing = {
      config: { kind: 'deflate', windowBits: 15, level: 1, memLevel: 8, chunkSize: 16384 },
      process(_input: Buffer, client: { zlibDone(error: Error | null): void }) {
        queueMicrotask(() => client.zlibDone(new Error('out of memory')));
      },
    };
    let handedOut = 0;
    const pool = {
      acquire: () => {
        handedOut++;
        return failing;
      },
      release: () => {},
    } as unknown as ZlibEnginePool;
    const transform = tracker.create(params({ serverNoContextTakeover: true }), 'server', { pool });
    const { error, result } = await new Promise<Outcome>((resolve) =>
      transform.compress(Buffer.from('Hello'), (e, r) => resolve({ error: e, result: r })),
    );
    expect(error?.code).toBe('DEFLATE_FAILED');
    expect(error?.message).toContain('out of memory');
    expect(result).toBeNull();
    expect(transform.contexts).toBe(0);
    expect(transform.pending).toBe(0);
    expect(handedOut).toBe(1);
  });
});
