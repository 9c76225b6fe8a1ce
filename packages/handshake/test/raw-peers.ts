// The raw-socket halves of the interop tests (interop-ws, interop-python): our handshake code on
// plain node:net sockets on loopback, facing an independent implementation on the other end.
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import {
  buildRejectResponse,
  parseRequestHead,
  parseResponseHead,
  type RequestHead,
  type ResponseHead,
} from '../src/index.js';

/** Where a test keeps what its afterEach closes (arrays that may also hold other kinds). */
export interface Tracked {
  servers: { push(server: Server): unknown };
  sockets: { push(socket: Socket): unknown };
}

/**
 * Listens on 127.0.0.1 (port from the OS) and answers each complete upgrade request head with
 * what `answer` returns, written once (after which the socket's 'data' listeners are the
 * answer's own). A head that does not parse is answered with buildRejectResponse. Returns the port.
 */
export async function rawUpgradeServer(
  track: Tracked,
  answer: (head: RequestHead, socket: Socket) => string | Buffer,
): Promise<number> {
  const server = createServer((socket) => {
    track.sockets.push(socket);
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const head = parseRequestHead(received);
      if (!head.ok) {
        socket.end(buildRejectResponse({ status: head.error.status ?? 400, message: head.error.message }));
      } else if (head.value.complete) {
        socket.removeAllListeners('data');
        socket.write(answer(head.value, socket));
      }
    });
  });
  track.servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/**
 * Connects to 127.0.0.1:`port`, writes a client request head (latin1) and reads until the
 * response head is complete. Returns that head and the bytes that came after it in the same
 * reads; throws if the head does not parse or the connection closes first.
 */
export async function exchangeHeads(
  track: Tracked,
  port: number,
  requestHead: string,
): Promise<{ head: ResponseHead; body: Buffer }> {
  const socket = connect(port, '127.0.0.1');
  track.sockets.push(socket);
  socket.write(requestHead, 'latin1');
  let received = Buffer.alloc(0);
  for await (const chunk of socket) {
    received = Buffer.concat([received, chunk as Buffer]);
    const head = parseResponseHead(received);
    if (!head.ok) throw new Error(head.error.message);
    if (head.value.complete) return { head: head.value, body: received.subarray(head.value.headLength) };
  }
  throw new Error('connection closed before the response head');
}
