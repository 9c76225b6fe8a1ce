// Load generator for the chat-room benchmark. N clients join with `?name=`, then in rounds
// every client sends a batch of messages; each message fans out as `name: text` to all N.
// A round ends when every delivery has arrived (N × batch × N); prints one JSON line.
//
// The clients are bare sockets with a minimal frame reader (headers only, no UTF-8 decode
// for chat lines) so the generator costs the same for every server and stays out of the way.
// Usage: node bench/chat-load.mjs --port P --clients N --batch B --seconds S
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    clients: { type: 'string', default: '16' },
    batch: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '3' },
  },
});
const host = values.host;
const port = Number(values.port);
const N = Number(values.clients);
const BATCH = Number(values.batch);
const SECONDS = Number(values.seconds);

/** A masked client text frame; the all-zero mask keeps the payload bytes as they are. */
function clientFrame(text) {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error('keep bench messages short');
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}

let delivered = 0;
let onDelivery = () => {};
let joinedClients = 0;
let onJoined = () => {};
const fullRoom = `(${N} online)`;

function openClient(index) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    const key = randomBytes(16).toString('base64');
    let upgraded = false;
    let pending = Buffer.alloc(0);
    let sawFullRoom = false;
    socket.once('error', reject);
    socket.on('connect', () => {
      socket.write(
        `GET /chat?name=c${index} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (!upgraded) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.subarray(0, end).toString('latin1');
        if (!head.startsWith('HTTP/1.1 101'))
          return reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
        upgraded = true;
        pending = pending.subarray(end + 4);
        resolve(socket);
      }
      let offset = 0;
      let count = 0;
      while (pending.length - offset >= 2) {
        const b0 = pending[offset];
        let length = pending[offset + 1] & 0x7f;
        let header = 2;
        if (length === 126) {
          if (pending.length - offset < 4) break;
          length = pending.readUInt16BE(offset + 2);
          header = 4;
        } else if (length === 127) {
          if (pending.length - offset < 10) break;
          length = pending.readUInt32BE(offset + 6);
          header = 10;
        }
        if (pending.length - offset < header + length) break;
        const opcode = b0 & 0x0f;
        const start = offset + header;
        if (opcode === 1) {
          if (pending[start] === 0x2a /* '*' notice */) {
            if (!sawFullRoom && pending.toString('utf8', start, start + length).includes(fullRoom)) {
              sawFullRoom = true;
              joinedClients++;
              onJoined();
            }
          } else {
            count++;
          }
        } else if (opcode === 9) {
          socket.write(
            Buffer.concat([
              Buffer.from([0x8a, 0x80 | length, 0, 0, 0, 0]),
              pending.subarray(start, start + length),
            ]),
          );
        }
        offset = start + length;
      }
      pending = offset === pending.length ? Buffer.alloc(0) : pending.subarray(offset);
      if (count > 0) {
        delivered += count;
        onDelivery();
      }
    });
  });
}

const sockets = [];
for (let i = 0; i < N; i += 64) {
  const batch = [];
  for (let j = i; j < Math.min(N, i + 64); j++) batch.push(openClient(j));
  sockets.push(...(await Promise.all(batch)));
}
await new Promise((resolve) => {
  onJoined = () => joinedClients === N && resolve();
  onJoined();
});

const batchFrame = Buffer.concat(Array.from({ length: BATCH }, (_, k) => clientFrame(`hello ${k}`)));
const perRound = N * BATCH * N;
// Two rounds in flight: the next batch is sent as soon as a round completes, while the
// other is still being delivered, so the server never waits on the generator.
const IN_FLIGHT = 2;
let rounds = 0;
let sentRounds = 0;
const started = process.hrtime.bigint();
const deadline = started + BigInt(Math.round(SECONDS * 1e9));
let now = started;
const sendRound = () => {
  sentRounds++;
  for (const socket of sockets) socket.write(batchFrame);
};
await new Promise((resolve) => {
  onDelivery = () => {
    while (delivered >= (rounds + 1) * perRound) {
      rounds++;
      now = process.hrtime.bigint();
      if (now >= deadline) {
        if (delivered >= sentRounds * perRound) resolve();
        continue;
      }
      sendRound();
    }
    if (now >= deadline && delivered >= sentRounds * perRound) resolve();
  };
  for (let i = 0; i < IN_FLIGHT; i++) sendRound();
});
const seconds = Number(now - started) / 1e9;
console.log(
  JSON.stringify({
    clients: N,
    batch: BATCH,
    rounds,
    delivered: rounds * perRound,
    seconds,
    perSecond: (rounds * perRound) / seconds,
  }),
);
for (const socket of sockets) socket.destroy();
