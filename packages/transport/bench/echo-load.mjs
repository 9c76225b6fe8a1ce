// Load generator: `connections` sockets each play ping-pong with `size`-byte messages for
// `ms` milliseconds against 127.0.0.1:`port`; prints completed round trips per second.
import * as net from 'node:net';

const [port, connections = '32', size = '32', ms = '3000'] = process.argv.slice(2).map(String);
const payload = Buffer.alloc(Number(size), 0x61);
let roundTrips = 0;
let running = true;

function start() {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: Number(port), noDelay: true }, () =>
      resolve(socket),
    );
    let pending = 0;
    socket.on('data', (chunk) => {
      pending -= chunk.length;
      if (pending > 0) return;
      roundTrips++;
      if (running) {
        pending = payload.length;
        socket.write(payload);
      }
    });
    socket.once('connect', () => {
      pending = payload.length;
      socket.write(payload);
    });
  });
}

const sockets = await Promise.all(Array.from({ length: Number(connections) }, start));
roundTrips = 0;
const began = process.hrtime.bigint();
await new Promise((resolve) => setTimeout(resolve, Number(ms)));
running = false;
const seconds = Number(process.hrtime.bigint() - began) / 1e9;
console.log(JSON.stringify({ roundTrips, roundTripsPerSecond: Math.round(roundTrips / seconds) }));
for (const s of sockets) s.destroy();
