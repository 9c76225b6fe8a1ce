import { afterEach, describe, expect, it } from 'vitest';
import {
  DeflateContextBudget,
  setDeflateContextBudget,
  sharedDeflateContextBudget,
} from '../src/deflate/deflate-context-budget.js';
import { ZlibJobLimiter } from '../src/deflate/zlib-job-limiter.js';
import { TransformTracker, compress, decompress, params, sameBytes, sampleJson } from './deflate-support.js';

const tracker = new TransformTracker();
afterEach(() => tracker.closeAll());

const HELLO = Buffer.from('Hello');
const FRESH = 'f248cdc9c90700'; // "Hello" from an empty window (RFC 7692 §7.2.3.1)
const TAKEOVER = 'f200110000'; // "Hello" again, referencing the previous one (§7.2.3.2)

describe('DeflateContextBudget', () => {
  it('takes the context of the least recently used idle connection when the cap is reached', async () => {
    const contextBudget = new DeflateContextBudget(2);
    const [a, b, c] = [0, 1, 2].map(() => tracker.create(params(), 'server', { contextBudget }));
    for (const t of [a!, b!, c!]) expect((await compress(t, HELLO)).toString('hex')).toBe(FRESH);
    expect(contextBudget.size).toBe(2);
    expect([a!.contexts, b!.contexts, c!.contexts]).toEqual([0, 1, 1]);

    // b keeps its window (it is now the most recently used)...
    expect((await compress(b!, HELLO)).toString('hex')).toBe(TAKEOVER);
    // ...while a starts over from a fresh window, taking c's context (c is now the LRU).
    expect((await compress(a!, HELLO)).toString('hex')).toBe(FRESH);
    expect([a!.contexts, b!.contexts, c!.contexts]).toEqual([1, 1, 0]);
  });

  it('a connection that lost its context still produces messages its peer inflates', async () => {
    const contextBudget = new DeflateContextBudget(1);
    const sender = tracker.create(params(), 'server', { contextBudget });
    const other = tracker.create(params(), 'server', { contextBudget });
    const receiver = tracker.create(params(), 'client');
    for (let i = 0; i < 6; i++) {
      const payload = sampleJson(3000, i % 2);
      expect(sameBytes(await decompress(receiver, await compress(sender, payload)), payload)).toBe('same');
      await compress(other, HELLO); // steals the sender's context every time
      expect(sender.contexts).toBe(0);
    }
  });

  it('never takes a context that is in use: the cap is exceeded instead', async () => {
    const contextBudget = new DeflateContextBudget(1);
    const limiter = new ZlibJobLimiter(4);
    const busy = tracker.create(params(), 'server', { contextBudget, limiter });
    const other = tracker.create(params(), 'server', { contextBudget, limiter });
    const receiver = tracker.create(params(), 'client');
    const big = sampleJson(200_000);
    const [bigWire, small] = await Promise.all([compress(busy, big), compress(other, HELLO)]);
    expect(small.toString('hex')).toBe(FRESH);
    expect(contextBudget.size).toBe(2);
    expect(sameBytes(await decompress(receiver, bigWire), big)).toBe('same');
    // The next one to need a context takes an idle one and brings the count back down.
    const third = tracker.create(params(), 'server', { contextBudget, limiter });
    await compress(third, HELLO);
    expect(contextBudget.size).toBe(2);
  });

  it('replaces a taken context whose zlib settings differ', async () => {
    const contextBudget = new DeflateContextBudget(1);
    const small = tracker.create(params(), 'server', { contextBudget, windowBits: 10 });
    const large = tracker.create(params(), 'server', { contextBudget });
    await compress(small, HELLO);
    const payload = sampleJson(20_000);
    const wire = await compress(large, payload);
    expect(sameBytes(await decompress(tracker.create(params(), 'client'), wire), payload)).toBe('same');
    expect([small.contexts, large.contexts, contextBudget.size]).toEqual([0, 1, 1]);
  });

  it('forgets closed connections and shrinks on setLimit', async () => {
    const contextBudget = new DeflateContextBudget(5);
    const transforms = [0, 1, 2, 3].map(() => tracker.create(params(), 'server', { contextBudget }));
    await Promise.all(transforms.map((t) => compress(t, HELLO)));
    expect(contextBudget.size).toBe(4);
    transforms[0]!.close();
    expect(contextBudget.size).toBe(3);
    contextBudget.setLimit(1);
    expect(contextBudget.size).toBe(1);
    expect(transforms.map((t) => t.contexts)).toEqual([0, 0, 0, 1]);
    expect(contextBudget.limit).toBe(1);
    expect(() => contextBudget.setLimit(0)).toThrow(RangeError);
    expect(() => new DeflateContextBudget(2.5)).toThrow(RangeError);
  });

  it('setLimit takes back idle contexts only', async () => {
    const contextBudget = new DeflateContextBudget(4);
    const [a, b, c] = [0, 1, 2].map(() => tracker.create(params(), 'server', { contextBudget }));
    await compress(a!, HELLO);
    const pending = [compress(b!, sampleJson(100_000)), compress(c!, sampleJson(100_000))];
    contextBudget.setLimit(1);
    // a was idle and gave its context back; b and c are compressing and keep theirs.
    expect([a!.contexts, b!.contexts, c!.contexts, contextBudget.size]).toEqual([0, 1, 1, 2]);
    await Promise.all(pending);
  });

  it('setDeflateContextBudget changes the process-wide cap', () => {
    const before = sharedDeflateContextBudget.limit;
    setDeflateContextBudget(7);
    expect(sharedDeflateContextBudget.limit).toBe(7);
    setDeflateContextBudget(before);
    expect(sharedDeflateContextBudget.limit).toBe(before);
  });
});
