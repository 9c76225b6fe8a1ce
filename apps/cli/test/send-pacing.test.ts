import type { Client } from '@parley/facade';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DrainGate } from '../src/drain-gate.js';
import { sendFile } from '../src/file-sender.js';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'parley-cli-pacing-'));
});
afterEach(() => rm(work, { recursive: true, force: true }));

/**
 * Just enough of the facade Client for sendFile: `send` for the text header/trailer, a
 * `sendStream` whose writes are logged, and the highWater/drain/close events. `onWrite` runs
 * after each stream write, so a test can make the connection cross its high-water mark.
 */
class FakeClient extends EventEmitter {
  readonly log: string[] = [];
  onWrite: (writes: number) => void = () => {};
  #writes = 0;
  #sent = 0;

  send(data: string) {
    this.log.push(`text ${(JSON.parse(data) as { type: string }).type}`);
    return { ok: true as const, value: {} };
  }

  sendStream() {
    const stream = {
      write: (chunk: Buffer) => {
        this.#sent += chunk.length;
        this.log.push(`write ${chunk.toString()}`);
        this.onWrite(++this.#writes);
        return { ok: true as const, value: undefined };
      },
      end: (chunk?: Buffer) => {
        this.#sent += chunk?.length ?? 0;
        this.log.push(`end ${chunk?.toString() ?? ''}`);
        return { ok: true as const, value: undefined };
      },
      get sent() {
        return fake.#sent;
      },
      get wireSize() {
        return fake.#sent;
      },
    };
    const fake = this;
    return { ok: true as const, value: stream };
  }

  asClient(): Client {
    return this as unknown as Client;
  }
}

describe('DrainGate', () => {
  it('is open until highWater, then holds a producer until drain', async () => {
    const fake = new FakeClient();
    const gate = new DrainGate(fake.asClient());
    await gate.ready();
    fake.emit('highWater', 70_000);
    expect(gate.blocked).toBe(true);
    const order: string[] = [];
    const waiting = gate.ready().then(() => order.push('released'));
    order.push('drain');
    fake.emit('drain');
    await waiting;
    expect(order).toEqual(['drain', 'released']);
    expect(gate.blocked).toBe(false);
    gate.dispose();
    expect(fake.listenerCount('highWater') + fake.listenerCount('drain') + fake.listenerCount('close')).toBe(
      0,
    );
  });

  it('releases a waiting producer when the connection closes or the signal aborts', async () => {
    const fake = new FakeClient();
    const gate = new DrainGate(fake.asClient());
    fake.emit('highWater', 70_000);
    const controller = new AbortController();
    const aborted = gate.ready(controller.signal);
    controller.abort();
    await aborted;
    const closed = gate.ready();
    fake.emit('close', { code: 1006 });
    await closed;
    expect(gate.blocked).toBe(false);
    gate.dispose();
  });
});

describe('sendFile pacing', () => {
  it('writes the next fragment only after the drain that follows a highWater', async () => {
    const file = join(work, 'f.txt');
    await writeFile(file, 'aaaabbbbccccdddd');
    const fake = new FakeClient();
    fake.onWrite = (writes) => {
      if (writes !== 2) return;
      fake.emit('highWater', 70_000);
      // A macrotask later: without the gate the next fragments would already be written.
      setImmediate(() => {
        fake.log.push('drain');
        fake.emit('drain');
      });
    };
    const outcome = await sendFile({ client: fake.asClient(), path: file, fragmentSize: 4 });
    expect(outcome.ok).toBe(true);
    expect(fake.log).toEqual([
      'text file',
      'write aaaa',
      'write bbbb',
      'drain',
      'write cccc',
      'end dddd',
      'text end',
    ]);
    expect(fake.listenerCount('drain')).toBe(0);
  });

  it('Ctrl-C while waiting for drain ends the message short and sends the cancel notice', async () => {
    const file = join(work, 'g.txt');
    await writeFile(file, 'aaaabbbbcccc');
    const fake = new FakeClient();
    const controller = new AbortController();
    fake.onWrite = (writes) => {
      if (writes !== 1) return;
      fake.emit('highWater', 70_000);
      setImmediate(() => controller.abort());
    };
    const outcome = await sendFile({
      client: fake.asClient(),
      path: file,
      fragmentSize: 4,
      signal: controller.signal,
    });
    expect(outcome.ok && outcome.value).toMatchObject({ completed: false, stepsSent: 1, payloadSize: 4 });
    expect(fake.log).toEqual(['text file', 'write aaaa', 'end ', 'text cancel']);
  });
});
