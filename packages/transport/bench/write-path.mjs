// The JavaScript cost of Connection.write against a plain socket.write, without the kernel:
// sockets whose _write/_writev complete at once, 1000 of them written in each tick (a
// broadcast), `k` writes per socket per tick. Best of several interleaved runs, ns per write.
// Usage: node bench/write-path.mjs [k=1] [ticks=300]
import * as net from 'node:net';
const { wrapSocket } = await import(process.env.TRANSPORT_DIST ?? '../dist/index.js');

const k = Number(process.argv[2] ?? 1);
const ticks = Number(process.argv[3] ?? 300);
const SOCKETS = 1000;
const payload = Buffer.alloc(32, 0x61);

function nullSocket() {
  const socket = new net.Socket();
  socket._write = (_chunk, _encoding, callback) => callback();
  socket._writev = (_chunks, callback) => callback();
  return socket;
}

const rawSockets = Array.from({ length: SOCKETS }, nullSocket);
const connections = Array.from({ length: SOCKETS }, () => wrapSocket(nullSocket()));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

async function run(write) {
  const started = process.hrtime.bigint();
  for (let t = 0; t < ticks; t++) {
    for (let s = 0; s < SOCKETS; s++) for (let i = 0; i < k; i++) write(s);
    await nextTurn();
  }
  return Number(process.hrtime.bigint() - started) / (ticks * SOCKETS * k);
}

const raw = (s) => rawSockets[s].write(payload);
const transport = (s) => connections[s].write(payload);
const best = { raw: Infinity, transport: Infinity };
for (let round = 0; round < 7; round++) {
  best.raw = Math.min(best.raw, await run(raw));
  best.transport = Math.min(best.transport, await run(transport));
}
console.log(
  JSON.stringify({
    writesPerSocketPerTick: k,
    nsPerWrite: { raw: +best.raw.toFixed(1), transport: +best.transport.toFixed(1) },
  }),
);
