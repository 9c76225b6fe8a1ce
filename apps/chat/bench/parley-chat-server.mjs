// The chat server under test: the real one (dist/chat-server.js, on the Parley facade).
// Usage: node bench/parley-chat-server.mjs [--port 0] [--rate N --burst N]
import { parseArgs } from 'node:util';
import { startChatServer } from '../dist/chat-server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    rate: { type: 'string', default: '10' },
    burst: { type: 'string', default: '30' },
  },
});
const started = await startChatServer({
  port: Number(values.port),
  host: values.host,
  rateLimit: { ratePerSecond: Number(values.rate), burst: Number(values.burst) },
});
if (!started.ok) {
  console.error(started.error.message);
  process.exit(1);
}
console.log(`listening ${started.value.port}`);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => started.value.stop().then(() => process.exit(0)));
}
