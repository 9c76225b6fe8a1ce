// Shared driver for client-side benchmarks: the client under test sends binary messages of
// `size` bytes with `inflight` outstanding to an echo server and counts echoes.
export function runClientBench(open) {
  process.once('message', async ({ params }) => {
    try {
      const { url, size, inflight, seconds } = params;
      const client = await open(url);
      const payload = Buffer.alloc(size, 0xab);
      let count = 0;
      let running = true;
      client.onMessage(() => {
        count++;
        if (running) client.send(payload);
      });
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < inflight; i++) client.send(payload);
      await new Promise((r) => setTimeout(r, seconds * 1000));
      running = false;
      const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
      client.close();
      process.send?.({ type: 'result', result: { msgsPerSec: count / elapsed } });
    } catch (e) {
      process.send?.({ type: 'error', error: String(e?.stack ?? e) });
    }
    setTimeout(() => process.exit(0), 50);
  });
}
