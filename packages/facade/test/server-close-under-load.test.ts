import { describe, expect, it } from 'vitest';
import { createClient } from '../src/client/index.js';
import type { Session } from '../src/index.js';
import { nextEvent, startServer } from './helpers/harness.js';

// Regression (lead's report from the CLI): a Parley client that sends a lot quickly with the
// default backpressure (pause reading over the high-water mark) stopped reading for good and
// ended with "1006 close handshake timed out" instead of a clean close.
describe('closing after a large burst with pause_reading on (default)', () => {
  it('client sends 16 MiB in 1 MiB messages, closes, and the close is clean on both sides', {
    timeout: 60_000,
  }, async () => {
    let received = 0;
    const { server, url } = await startServer(
      { max_payload: 2 * 1024 * 1024 },
      {
        message: (_session: Session, data) => {
          received += (data as Buffer).length;
        },
      },
    );
    // 'wait': queue the whole burst (the default 'close' policy would end a 16 MiB burst with
    // 1013 by design); reading pauses over the high-water mark as by default.
    const created = createClient({
      url,
      proxy: false,
      reconnect: { enabled: false },
      backpressure: { policy: 'wait', pause_reading: true },
    });
    if (!created.ok) throw new Error(created.error.message);
    const client = created.value;
    const opened = await client.start();
    expect(opened.ok).toBe(true);
    // One large message per tick: each is the tick's only write, which is the case where a
    // synchronous socket write left the core without a drain (and reading paused for good).
    const piece = Buffer.alloc(1024 * 1024, 7);
    for (let i = 0; i < 16; i++) {
      expect(client.send(piece).ok).toBe(true);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const serverSide = nextEvent(server, 'disconnection');
    const clientSide = new Promise<{ code: number; reason: string; wasClean: boolean }>((resolve) =>
      client.on('close', (info) => resolve(info)),
    );
    expect(client.close(1000, 'done').ok).toBe(true);
    const [, details] = await serverSide;
    expect(details).toMatchObject({ code: 1000, reason: 'done', wasClean: true });
    expect(received).toBe(16 * 1024 * 1024);
    const closed = await clientSide;
    expect(closed.code).toBe(1000);
    expect(closed.wasClean).toBe(true);
  });
});
