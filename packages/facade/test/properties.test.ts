import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../src/core/bounded-queue.js';
import { TokenBucket } from '../src/server/token-bucket.js';
import { type TopicMember, TopicRegistry } from '../src/server/topics.js';

describe('properties', () => {
  it('BoundedQueue delivers every pushed item once, in order, and pauses/resumes in turn', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.boolean(), { maxLength: 200 }), // true = push, false = take
        async (capacity, ops) => {
          const signals: string[] = [];
          const queue = new BoundedQueue<number>(capacity, {
            full: () => signals.push('full'),
            resume: () => signals.push('resume'),
          });
          let pushed = 0;
          const taken: number[] = [];
          for (const push of ops) {
            if (push) queue.push(pushed++);
            else if (queue.length > 0) {
              const next = await queue.next();
              if (!next.done) taken.push(next.value);
            }
          }
          queue.end();
          for await (const item of queue) taken.push(item);
          expect(taken).toEqual(Array.from({ length: pushed }, (_, i) => i));
          // full and resume alternate, starting with full
          expect(signals).toEqual(signals.map((_, i) => (i % 2 === 0 ? 'full' : 'resume')));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('TopicRegistry agrees with a model of sets after any sequence of operations', () => {
    const op = fc.record({
      kind: fc.constantFrom('sub', 'unsub', 'leave'),
      member: fc.integer({ min: 0, max: 4 }),
      topic: fc.constantFrom('a', 'b', 'c'),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 100 }), (ops) => {
        const registry = new TopicRegistry<TopicMember & { n: number }>();
        const members = Array.from({ length: 5 }, (_, n) => ({ n, topics: null as Set<string> | null }));
        const model = new Map<string, Set<number>>();
        for (const { kind, member, topic } of ops) {
          const m = members[member]!;
          if (kind === 'sub') {
            registry.subscribe(m, topic);
            if (!model.has(topic)) model.set(topic, new Set());
            model.get(topic)!.add(member);
          } else if (kind === 'unsub') {
            registry.unsubscribe(m, topic);
            model.get(topic)?.delete(member);
          } else {
            registry.leaveAll(m);
            for (const set of model.values()) set.delete(member);
          }
          for (const [name, set] of model) if (set.size === 0) model.delete(name);
        }
        expect(registry.topicNames().sort()).toEqual([...model.keys()].sort());
        for (const [name, set] of model) {
          expect([...registry.members(name)].map((m) => m.n).sort()).toEqual([...set].sort());
        }
        for (const m of members) {
          const joined = [...model].filter(([, set]) => set.has(m.n)).map(([name]) => name);
          expect([...(m.topics ?? [])].sort()).toEqual(joined.sort());
        }
      }),
    );
  });

  it('TokenBucket never admits more than capacity + rate × elapsed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 5 })), {
          maxLength: 100,
        }),
        (rate, capacity, steps) => {
          let now = 0;
          const bucket = new TokenBucket(rate, capacity, () => now);
          let admitted = 0;
          for (const [advance, cost] of steps) {
            now += advance;
            if (bucket.take(cost)) admitted += cost;
          }
          expect(admitted).toBeLessThanOrEqual(capacity + (rate * now) / 1000 + 1e-9);
        },
      ),
    );
  });
});
