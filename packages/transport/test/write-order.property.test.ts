import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, connect, type Listener, listen } from '../src/index.js';
import { expectOk } from './support/resources.js';

/** Reads exactly `size` bytes from `conn`, however the kernel splits them. */
function readExactly(conn: Connection, size: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let got = 0;
    conn.setHandler({
      data(chunk) {
        chunks.push(chunk);
        got += chunk.length;
        if (got >= size) resolve(Buffer.concat(chunks));
      },
    });
  });
}

describe('corked writes keep bytes and order', () => {
  let listener: Listener;
  let client: Connection;
  let server: Connection;

  beforeAll(async () => {
    let accepted!: (conn: Connection) => void;
    const serverSide = new Promise<Connection>((resolve) => {
      accepted = resolve;
    });
    listener = expectOk(await listen({ host: '127.0.0.1', port: 0 }, accepted));
    client = expectOk(await connect({ host: '127.0.0.1', port: listener.address().port }));
    server = await serverSide;
  });
  afterAll(async () => {
    client.destroy();
    await listener.close();
  });

  it('any batches of writes, split across ticks, arrive byte-exact and in order', async () => {
    const batches = fc.array(fc.array(fc.uint8Array({ minLength: 0, maxLength: 3000 }), { maxLength: 12 }), {
      minLength: 1,
      maxLength: 4,
    });
    await fc.assert(
      fc.asyncProperty(batches, async (ticks) => {
        const all = Buffer.concat(ticks.flat());
        const arrived = readExactly(server, all.length);
        for (const tick of ticks) {
          for (const bytes of tick) client.write(Buffer.from(bytes));
          await new Promise((resolve) => setImmediate(resolve)); // next batch in a later tick
        }
        if (all.length === 0) return;
        expect((await arrived).equals(all)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
