// RSS per idle connection on the server side: opens N connections from a separate process
// and compares the echo server's RSS (after GC) before and after.
// Usage: node bench/idle-rss.mjs [connections=5000] [mode=transport|raw]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const count = Number(process.argv[2] ?? 5000);
const mode = process.argv[3] ?? 'transport';

const server = spawn(process.execPath, ['--expose-gc', `${here}echo-server.mjs`, mode], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const lines = createInterface({ input: server.stdout })[Symbol.asyncIterator]();
const next = async () => JSON.parse((await lines.next()).value);
const { port } = await next();

async function rss() {
  server.stdin.write('rss\n');
  return next();
}

// Warm up code paths with a few connections so the delta is per-connection state, not JIT.
const warm = await Promise.all(Array.from({ length: 50 }, () => open()));
for (const s of warm) s.destroy();
const before = await rss();

function open() {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', reject);
  });
}

const sockets = [];
for (let i = 0; i < count; i += 500) {
  sockets.push(...(await Promise.all(Array.from({ length: Math.min(500, count - i) }, () => open()))));
}
// Let the server finish accepting (it reports how many it has) before measuring.
let after = await rss();
while (after.connections < before.connections + count) after = await rss();
const perConnection = (after.rss - before.rss) / count;
console.log(JSON.stringify({ mode, connections: count, bytesPerConnection: Math.round(perConnection) }));
for (const s of sockets) s.destroy();
server.kill();
await once(server, 'exit');
