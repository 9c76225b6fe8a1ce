// Parley's server, configured the way an application would: echo (same type back) or
// broadcast (every message to every session, framed once).
import { createRequire } from 'node:module';
import { createServer, useNativeMasking } from '@parley/facade';
import { serve } from './common.mjs';

// The 'parley+addons' column: the same server after the documented opt-in to bufferutil.
if (process.env.PARLEY_NATIVE_MASKING === '1') useNativeMasking(createRequire(import.meta.url)('bufferutil'));

serve(async ({ mode, deflate }) => {
  let server;
  const handler =
    mode === 'broadcast'
      ? { message: (_session, data, binary) => server.broadcast(data, { binary }) }
      : { message: (session, data, binary) => session.send(data, { binary }) };
  const created = createServer(
    {
      port: 0,
      host: '127.0.0.1',
      backlog: 4096,
      max_payload: 64 * 1024 * 1024,
      max_connections: 100_000,
      per_message_deflate: deflate ? { threshold: 1024 } : false,
      // The 'parley+http' column: the same server on a node:http listener instead of the raw one.
      ...(process.env.PARLEY_LISTENER === 'node-http' ? { listener: 'node-http' } : {}),
    },
    handler,
  );
  if (!created.ok) throw new Error(created.error.message);
  server = created.value;
  const started = await server.start();
  if (!started.ok) throw new Error(started.error.message);
  return started.value.port;
});
