import { afterEach, describe, expect, it } from 'vitest';
import { ZlibEngine } from '../src/deflate/zlib-engine.js';
import { ZlibEnginePool } from '../src/deflate/zlib-engine-pool.js';
import { ZlibJobLimiter, setZlibConcurrency, sharedZlibLimiter } from '../src/deflate/zlib-job-limiter.js';
import {
  type Outcome,
  TransformTracker,
  compress,
  decompress,
  hex,
  params,
  sameBytes,
  sampleJson,
} from './deflate-support.js';

const tracker = new TransformTracker();
afterEach(() => tracker.closeAll());

describe('close()', () => {
  it('fails every pending job with CLOSED, synchronously and in call order, and frees the contexts', async () => {
    const transform = tracker.create();
    await compress(transform, Buffer.from('warm up the deflater'));
    const order: string[] = [];
    const record = (name: string) => (error: Outcome['error'], result: Buffer | null) => {
      order.push(`${name}:${error?.code ?? 'ok'}:${result === null ? 'null' : 'buffer'}`);
    };
    transform.compress(sampleJson(50_000), record('c1'));
    transform.compress(Buffer.from('x'), record('c2'));
    transform.decompress(hex('f2 48 cd'), false, record('d1'));
    transform.decompress(hex('c9 c9 07 00'), true, record('d2'));
    expect(transform.pending).toBe(4);
    transform.close();
    expect(order).toEqual(['c1:CLOSED:null', 'c2:CLOSED:null', 'd1:CLOSED:null', 'd2:CLOSED:null']);
    expect(transform.pending).toBe(0);
    expect(transform.contexts).toBe(0);
    transform.close();
    expect(order).toHaveLength(4);
  });

  it('answers calls made after close() with CLOSED, asynchronously', async () => {
    const transform = tracker.create();
    transform.close();
    let sync = true;
    const outcome = new Promise<string | undefined>((resolve) => {
      transform.compress(Buffer.from('late'), (error) => resolve(sync ? 'sync!' : error?.code));
    });
    const inflated = new Promise<string | undefined>((resolve) => {
      transform.decompress(hex('00'), true, (error) => resolve(sync ? 'sync!' : error?.code));
    });
    sync = false;
    expect(await outcome).toBe('CLOSED');
    expect(await inflated).toBe('CLOSED');
  });

  it('gives back the limiter slot of a job in flight and of a job still waiting', async () => {
    const limiter = new ZlibJobLimiter(1);
    const busy = tracker.create(params(), 'server', { limiter });
    const waiting = tracker.create(params(), 'server', { limiter });
    const busyDone = compress(busy, sampleJson(200_000));
    const waitingOutcome = new Promise<string | undefined>((resolve) => {
      waiting.compress(Buffer.from('queued'), (error) => resolve(error?.code));
    });
    expect([limiter.running, limiter.queued]).toEqual([1, 1]);
    waiting.close();
    expect(await waitingOutcome).toBe('CLOSED');
    expect((await busyDone).length).toBeGreaterThan(0);
    expect([limiter.running, limiter.queued]).toEqual([0, 0]);

    const closedInFlight = tracker.create(params(), 'server', { limiter });
    closedInFlight.compress(sampleJson(200_000), () => {});
    expect(limiter.running).toBe(1);
    closedInFlight.close();
    expect([limiter.running, limiter.queued]).toEqual([0, 0]);
    // The limiter still works for others afterwards.
    expect(await compress(busy, Buffer.from('Hello'))).toBeInstanceOf(Buffer);
  });
});

describe('ordering and concurrency', () => {
  it('calls back in call order per transform while many transforms share a small limiter', async () => {
    const limiter = new ZlibJobLimiter(3);
    const transforms = Array.from({ length: 12 }, (_, i) =>
      tracker.create(params({ serverNoContextTakeover: i % 2 === 0 }), 'server', { limiter }),
    );
    const peers = transforms.map((_, i) =>
      tracker.create(params({ serverNoContextTakeover: i % 2 === 0 }), 'client', { limiter }),
    );
    let maxRunning = 0;
    const sizes = [60_000, 10, 20_000, 0, 5_000, 1];
    const results = await Promise.all(
      transforms.map(
        (transform, t) =>
          new Promise<{ order: number[]; wire: Buffer[] }>((resolve) => {
            const order: number[] = [];
            const wire: Buffer[] = [];
            sizes.forEach((size, i) => {
              transform.compress(sampleJson(size, t * 10 + i).subarray(0, size), (error, result) => {
                maxRunning = Math.max(maxRunning, limiter.running);
                expect(error).toBeNull();
                order.push(i);
                wire[i] = result!;
                if (order.length === sizes.length) resolve({ order, wire });
              });
              maxRunning = Math.max(maxRunning, limiter.running);
            });
          }),
      ),
    );
    expect(maxRunning).toBeLessThanOrEqual(3);
    for (const [t, { order, wire }] of results.entries()) {
      expect(order).toEqual([0, 1, 2, 3, 4, 5]);
      for (const [i, size] of sizes.entries()) {
        const expected = sampleJson(size, t * 10 + i).subarray(0, size);
        expect(sameBytes(await decompress(peers[t]!, wire[i]!), expected)).toBe('same');
      }
    }
    expect([limiter.running, limiter.queued]).toEqual([0, 0]);
  });

  it('lets a connection with one job finish before another connection drains a long queue', async () => {
    const limiter = new ZlibJobLimiter(1);
    const busy = tracker.create(params(), 'server', { limiter });
    const quiet = tracker.create(params(), 'server', { limiter });
    const events: string[] = [];
    const busyJobs = Array.from(
      { length: 20 },
      (_, i) =>
        new Promise<void>((resolve) =>
          busy.compress(sampleJson(4000, i), () => resolve(void events.push('busy'))),
        ),
    );
    const quietJob = new Promise<void>((resolve) =>
      quiet.compress(Buffer.from('hi'), () => resolve(void events.push('quiet'))),
    );
    await Promise.all([...busyJobs, quietJob]);
    // Round robin: the quiet connection waits for one busy job, not twenty.
    expect(events.indexOf('quiet')).toBe(1);
  });

  it('never calls back synchronously, even with a free zlib slot', async () => {
    const transform = tracker.create();
    let inCall = true;
    const seen: boolean[] = [];
    const both = Promise.all([
      new Promise<void>((resolve) =>
        transform.compress(Buffer.from('x'), () => resolve(void seen.push(inCall))),
      ),
      new Promise<void>((resolve) =>
        transform.decompress(hex('00'), false, () => resolve(void seen.push(inCall))),
      ),
    ]);
    inCall = false;
    await both;
    expect(seen).toEqual([false, false]);
  });

  it('counts pending jobs until they are called back', async () => {
    const transform = tracker.create();
    const jobs = [compress(transform, Buffer.from('a')), compress(transform, Buffer.from('b'))];
    expect(transform.pending).toBe(2);
    await Promise.all(jobs);
    expect(transform.pending).toBe(0);
  });
});

describe('shared pool for sides without context takeover', () => {
  it('keeps at most its idle limit of contexts however many connections compress', async () => {
    const pool = new ZlibEnginePool(2);
    const negotiated = params({ serverNoContextTakeover: true, clientNoContextTakeover: true });
    const transforms = Array.from({ length: 8 }, () => tracker.create(negotiated, 'server', { pool }));
    const payload = sampleJson(8000);
    const outputs = await Promise.all(transforms.map((t) => compress(t, payload)));
    expect(pool.size).toBe(2);
    expect(transforms.every((t) => t.contexts === 0)).toBe(true);
    // Reset contexts compress exactly like fresh ones.
    for (const output of outputs) expect(output.equals(outputs[0]!)).toBe(true);
    pool.setMaxIdle(0);
    expect(pool.size).toBe(0);
    expect(() => pool.setMaxIdle(-1)).toThrow(RangeError);
  });

  it('holds a borrowed inflate context only while a fragmented message is in progress', async () => {
    const pool = new ZlibEnginePool(4);
    const transform = tracker.create(params({ clientNoContextTakeover: true }), 'server', { pool });
    expect(await decompress(transform, hex('f2 48 cd'), false)).toBeNull();
    expect(transform.contexts).toBe(1);
    expect(await decompress(transform, hex('c9 c9 07 00'), true)).toEqual(Buffer.from('Hello'));
    expect(transform.contexts).toBe(0);
    expect(pool.size).toBe(1);
  });
});

describe('ZlibJobLimiter', () => {
  it('rejects a release without a running job and non-positive limits', () => {
    const limiter = new ZlibJobLimiter(2);
    expect(() => limiter.release()).toThrow(/without a running job/);
    expect(() => limiter.setLimit(0)).toThrow(RangeError);
    expect(() => new ZlibJobLimiter(1.5)).toThrow(RangeError);
  });

  it('starts waiting jobs when the limit is raised and runs re-entrant releases without recursion', () => {
    const limiter = new ZlibJobLimiter(1);
    const started: number[] = [];
    const job = (id: number, releaseAtOnce: boolean) => ({
      runZlibJob() {
        started.push(id);
        if (releaseAtOnce) limiter.release();
      },
    });
    limiter.schedule(job(1, false));
    for (let i = 2; i <= 2000; i++) limiter.schedule(job(i, true));
    expect(started).toEqual([1]);
    expect(limiter.queued).toBe(1999);
    limiter.setLimit(2);
    expect(started).toHaveLength(2000);
    expect([limiter.running, limiter.queued, limiter.limit]).toEqual([1, 0, 2]);
    limiter.release();
    expect(limiter.running).toBe(0);
  });

  it('compacts its queue while jobs keep waiting', () => {
    const limiter = new ZlibJobLimiter(1);
    let started = 0;
    const job = { runZlibJob: () => void started++ };
    for (let i = 0; i < 2000; i++) limiter.schedule(job);
    limiter.setLimit(1100);
    expect([started, limiter.running, limiter.queued]).toEqual([1100, 1100, 900]);
    for (let i = 0; i < 1100; i++) limiter.release();
    expect([started, limiter.running, limiter.queued]).toEqual([2000, 900, 0]);
  });

  it('setZlibConcurrency changes the process-wide limit', () => {
    const before = sharedZlibLimiter.limit;
    setZlibConcurrency(4);
    expect(sharedZlibLimiter.limit).toBe(4);
    setZlibConcurrency(before);
    expect(sharedZlibLimiter.limit).toBe(before);
  });
});

describe('ZlibEngine misuse (bugs throw)', () => {
  it('refuses a second job while one runs, and any job after destroy()', async () => {
    const engine = new ZlibEngine({
      kind: 'deflate',
      windowBits: 15,
      level: 1,
      memLevel: 8,
      chunkSize: 16384,
    });
    const done = new Promise<Error | null>((resolve) =>
      engine.process(Buffer.from('a'), { zlibOutput: () => true, zlibDone: resolve }),
    );
    expect(() => engine.process(Buffer.from('b'), { zlibOutput: () => true, zlibDone: () => {} })).toThrow(
      /while a job is running/,
    );
    expect(await done).toBeNull();
    engine.destroy();
    expect(() => engine.process(Buffer.from('c'), { zlibOutput: () => true, zlibDone: () => {} })).toThrow(
      /after destroy/,
    );
  });
});
