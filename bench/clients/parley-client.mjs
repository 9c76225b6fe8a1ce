// Client-side benchmark with Parley's client: 1 connection, `inflight` messages in flight.
import { createClient } from '@parley/facade';
import { runClientBench } from './common.mjs';

runClientBench(async (url) => {
  const created = createClient({ url, per_message_deflate: false, reconnect: { enabled: false } });
  if (!created.ok) throw new Error(created.error.message);
  const client = created.value;
  const started = await client.start();
  if (!started.ok) throw new Error(started.error.message);
  return {
    send: (buf) => client.send(buf, { binary: true }),
    onMessage: (cb) => client.on('message', cb),
    close: () => client.stop(),
  };
});
