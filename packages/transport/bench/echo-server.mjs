// Echo server for the transport benchmarks: `raw` (node:net, socket.write per chunk) or
// `transport` (@parley/transport listen + Connection.write). Prints its port, then its RSS
// on every "rss" line read from stdin (after a GC when run with --expose-gc), and its CPU time
// (user + system, microseconds) on every "cpu" line.
import * as net from 'node:net';
import { createInterface } from 'node:readline';
import { listen } from '../dist/index.js';

const mode = process.argv[2] ?? 'transport';
let port;
let connections = 0;

if (mode === 'raw') {
  const server = net.createServer({ noDelay: true }, (socket) => {
    connections++;
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  port = server.address().port;
} else {
  class Echo {
    constructor(conn) {
      this.conn = conn;
    }
    data(chunk) {
      this.conn.write(chunk);
    }
  }
  const result = await listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, (conn) => {
    connections++;
    conn.setHandler(new Echo(conn));
  });
  if (!result.ok) throw new Error(result.error.message);
  port = result.value.address().port;
}

console.log(JSON.stringify({ port }));
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'cpu') {
    const { user, system } = process.cpuUsage();
    console.log(JSON.stringify({ cpuMicros: user + system }));
  }
  if (line === 'rss') {
    globalThis.gc?.();
    globalThis.gc?.();
    console.log(JSON.stringify({ rss: process.memoryUsage().rss, connections }));
  }
}
process.exit(0);
