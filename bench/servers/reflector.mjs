// A deliberately cheap WebSocket peer for the client benchmarks: it answers the handshake and
// replies to every client frame with an unmasked binary frame of the same payload length,
// without unmasking or copying (reply frames are built once per length). With it the client
// under test, not the server, is the bottleneck (against the ws server both clients idled
// 40–60% of the time: they measured ws's server).
import { createHash } from 'node:crypto';
import net from 'node:net';
import { FrameCounter, GUID } from '../lib/frames.mjs';
import { serve } from './common.mjs';

const replies = new Map();
function replyFor(length) {
  let frame = replies.get(length);
  if (frame === undefined) {
    const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
    frame = Buffer.alloc(headerLength + length, 0xab);
    frame[0] = 0x82;
    if (length < 126) frame[1] = length;
    else if (length < 65536) {
      frame[1] = 126;
      frame.writeUInt16BE(length, 2);
    } else {
      frame[1] = 127;
      frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
      frame.writeUInt32BE(length >>> 0, 6);
    }
    replies.set(length, frame);
  }
  return frame;
}

function onConnection(socket) {
  socket.on('error', () => {});
  let head = Buffer.alloc(0);
  const counter = new FrameCounter((opcode, length) => {
    if (opcode === 0x8) socket.end(Buffer.from([0x88, 0x00]));
    else if (opcode === 0x1 || opcode === 0x2) socket.write(replyFor(length));
  });
  const onHead = (chunk) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    const key = /sec-websocket-key:\s*(\S+)/i.exec(head.subarray(0, end).toString('latin1'))?.[1] ?? '';
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.off('data', onHead);
    socket.on('data', (c) => {
      socket.cork();
      counter.push(c);
      socket.uncork();
    });
    const rest = head.subarray(end + 4);
    if (rest.length) counter.push(rest);
  };
  socket.on('data', onHead);
}

serve(
  () =>
    new Promise((resolve) => {
      const server = net.createServer({ noDelay: true }, onConnection);
      server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => resolve(server.address().port));
    }),
);
