// Connection-rate and idle-memory probe: Parley's standalone listeners (raw transport +
// handshake's head parser, and node:http) against ws. Not a test: numbers depend on the machine.
//
//   apps/echo/node_modules/.bin/esbuild packages/facade/bench/connect-rate.ts --bundle \
//     --platform=node --format=esm --conditions=@parley/source --external:ws \
//     --outfile=packages/facade/bench/dist/connect-rate.mjs
//   node packages/facade/bench/dist/connect-rate.mjs [connections=4000] [concurrency=64] [idle=2000]
//
// Each server runs in its own child process; the load generator is a raw TCP client that sends
// a fixed upgrade request, waits for the 101 head and ends the socket.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import { WebSocketServer } from 'ws';
import { createServer } from '../src/index.js';

type Kind = 'parley-raw' | 'parley-node-http' | 'ws';

const REQUEST = Buffer.from(
  'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
);

async function serve(kind: Kind): Promise<void> {
  let port: number;
  if (kind === 'ws') {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    wss.on('connection', (socket) => socket.on('error', () => {}));
    await once(wss, 'listening');
    port = (wss.address() as net.AddressInfo).port;
  } else {
    const created = createServer({
      host: '127.0.0.1',
      port: 0,
      listener: kind === 'parley-raw' ? 'raw' : 'node-http',
      max_connections: 1_000_000,
    });
    if (!created.ok) throw new Error(created.error.message);
    const started = await created.value.start();
    if (!started.ok) throw new Error(started.error.message);
    port = started.value.port;
  }
  process.on('message', (message) => {
    if (message === 'exit') process.exit(0);
    if (message === 'cpu') {
      const cpu = process.cpuUsage();
      process.send!({ cpuMicros: cpu.user + cpu.system });
    }
    if (message === 'memory') {
      globalThis.gc?.();
      const usage = process.memoryUsage();
      process.send!({ rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external });
    }
  });
  process.send!({ port });
}

function upgradeOnce(port: number, keep: net.Socket[] | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let seen = '';
    socket.once('connect', () => socket.write(REQUEST));
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (!seen.includes('\r\n\r\n')) return;
      if (!seen.startsWith('HTTP/1.1 101')) reject(new Error(seen.slice(0, 80)));
      socket.removeAllListeners('data');
      if (keep === null) socket.end();
      else keep.push(socket);
      resolve();
    });
    socket.on('error', reject);
  });
}

async function drive(port: number, total: number, concurrency: number): Promise<number> {
  let started = 0;
  const begin = performance.now();
  const worker = async (): Promise<void> => {
    while (started < total) {
      started++;
      await upgradeOnce(port, null);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (total / (performance.now() - begin)) * 1000;
}

async function measure(kind: Kind, total: number, concurrency: number, idle: number) {
  const profile =
    process.env.PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR}`];
  const child = fork(process.argv[1]!, ['serve', kind], { execArgv: ['--expose-gc', ...profile] });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  const cpu = async (): Promise<number> => {
    child.send('cpu');
    const [{ cpuMicros }] = (await once(child, 'message')) as [{ cpuMicros: number }];
    return cpuMicros;
  };
  await drive(port, 500, concurrency); // warm-up
  const cpuBefore = await cpu();
  const rate = await drive(port, total, concurrency);
  const serverCpuSeconds = ((await cpu()) - cpuBefore) / 1e6;
  const memory = async () => {
    child.send('memory');
    const [usage] = (await once(child, 'message')) as [{ rss: number; heapUsed: number; external: number }];
    return usage;
  };
  const before = await memory();
  const sockets: net.Socket[] = [];
  for (let i = 0; i < idle; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, idle - i) }, () => upgradeOnce(port, sockets)));
  }
  const after = await memory();
  for (const socket of sockets) socket.destroy();
  child.send('exit');
  await once(child, 'exit');
  return {
    kind,
    connectionsPerSecond: Math.round(rate),
    /** Handshakes per second of server CPU: comparable on a shared machine where the client is the bottleneck. */
    connectionsPerServerCpuSecond: Math.round(total / serverCpuSeconds),
    idleBytesPerConnection: {
      heap: Math.round((after.heapUsed - before.heapUsed) / idle),
      heapPlusExternal: Math.round(
        (after.heapUsed + after.external - before.heapUsed - before.external) / idle,
      ),
      rss: Math.round((after.rss - before.rss) / idle),
    },
  };
}

if (process.argv[2] === 'serve') {
  await serve(process.argv[3] as Kind);
} else {
  const total = Number(process.argv[2] ?? 4000);
  const concurrency = Number(process.argv[3] ?? 64);
  const idle = Number(process.argv[4] ?? 2000);
  const kinds = (process.env.KINDS?.split(',') ?? [
    'ws',
    'parley-raw',
    'parley-node-http',
    'ws',
    'parley-raw',
    'parley-node-http',
  ]) as Kind[];
  for (const kind of kinds) {
    const result = await measure(kind, total, concurrency, idle);
    console.log(JSON.stringify(result));
  }
}
