// The fuzzing server behind client-fuzz.test.ts: crafts server frames, decodes what the echo
// client sends back, and runs one case per connection.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as net from 'node:net';
import { constants, deflateRawSync } from 'node:zlib';
import { expect } from 'vitest';
import { runEchoClient } from '../src/index.js';

/** RFC 6455 §4.2.2: base64(SHA-1(key + GUID)). */
function computeAccept(key: string): string {
  return createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
}

export interface Frame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

/** Decodes the client's frames (masked) as they arrive. */
export function decodeFrames(buffer: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let offset = 0;
  for (;;) {
    if (buffer.length - offset < 2) break;
    const b0 = buffer[offset]!;
    const b1 = buffer[offset + 1]!;
    let length = b1 & 0x7f;
    let cursor = offset + 2;
    if (length === 126) {
      if (buffer.length - cursor < 2) break;
      length = buffer.readUInt16BE(cursor);
      cursor += 2;
    } else if (length === 127) {
      if (buffer.length - cursor < 8) break;
      length = Number(buffer.readBigUInt64BE(cursor));
      cursor += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const mask = masked ? buffer.subarray(cursor, cursor + 4) : null;
    if (masked) cursor += 4;
    if (buffer.length - cursor < length) break;
    const payload = Buffer.from(buffer.subarray(cursor, cursor + length));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
    frames.push({ fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 7, opcode: b0 & 0x0f, masked, payload });
    offset = cursor + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  fin?: boolean;
  rsv?: number;
  mask?: boolean;
  /** Override the 7-bit length field (for the 64-bit MSB case). */
  rawLength?: Buffer;
}

export function frame(spec: FrameSpec): Buffer {
  const payload =
    typeof spec.payload === 'string' ? Buffer.from(spec.payload) : (spec.payload ?? Buffer.alloc(0));
  const b0 = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode;
  const maskBit = spec.mask ? 0x80 : 0;
  let header: Buffer;
  if (spec.rawLength) header = Buffer.concat([Buffer.from([b0, maskBit | 127]), spec.rawLength]);
  else if (payload.length < 126) header = Buffer.from([b0, maskBit | payload.length]);
  else if (payload.length < 65536) {
    header = Buffer.from([b0, maskBit | 126, 0, 0]);
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = b0;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  if (!spec.mask) return Buffer.concat([header, payload]);
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= key[i & 3]!;
  return Buffer.concat([header, key, masked]);
}

export function closePayload(code: number, reason: Buffer | string = ''): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(code);
  return Buffer.concat([head, typeof reason === 'string' ? Buffer.from(reason) : reason]);
}

/** Sync-flushed raw deflate without the 00 00 ff ff tail (RFC 7692 §7.2.1). */
export function compress(data: Buffer | string): Buffer {
  const out = deflateRawSync(typeof data === 'string' ? Buffer.from(data) : data, {
    finishFlush: constants.Z_SYNC_FLUSH,
  });
  return out.subarray(0, out.length - 4);
}

export interface Session {
  /** Every frame the client sent until it closed the TCP connection. */
  frames: Frame[];
  offeredDeflate: boolean;
}

const openServers: net.Server[] = [];

/** Closes every fuzzing server a case started (call in afterEach). */
export async function closeFuzzServers(): Promise<void> {
  for (const server of openServers.splice(0)) {
    server.close();
    await once(server, 'close');
  }
}

/**
 * Runs one case: starts a fuzzing server, runs the echo client against it, writes `script`'s
 * chunks after the handshake and collects the client's frames until it closes. When the
 * client sends a close frame and `replyToClose` is set, the server answers and ends TCP.
 */
export async function runCase(
  chunks: Buffer[],
  options: { deflate?: boolean; replyToClose?: boolean } = {},
): Promise<Session> {
  let session!: Promise<Session>;
  const server = net.createServer((socket) => {
    session = new Promise<Session>((resolve) => {
      let buffered: Buffer = Buffer.alloc(0);
      let upgraded = false;
      const frames: Frame[] = [];
      let offeredDeflate = false;
      socket.on('error', () => {});
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (!upgraded) {
          const end = buffered.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buffered.subarray(0, end).toString('latin1');
          buffered = buffered.subarray(end + 4);
          upgraded = true;
          const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? '';
          offeredDeflate = /sec-websocket-extensions:.*permessage-deflate/i.test(head);
          const extension =
            options.deflate && offeredDeflate ? 'Sec-WebSocket-Extensions: permessage-deflate\r\n' : '';
          socket.write(
            'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
              `Sec-WebSocket-Accept: ${computeAccept(key)}\r\n${extension}\r\n`,
          );
          for (const piece of chunks) socket.write(piece);
        }
        const decoded = decodeFrames(buffered);
        buffered = decoded.rest;
        for (const f of decoded.frames) {
          frames.push(f);
          if (f.opcode === 0x8 && options.replyToClose !== false && !socket.writableEnded) {
            socket.end(frame({ opcode: 0x8, payload: f.payload.subarray(0, 2) }));
          }
        }
      });
      socket.on('close', () => resolve({ frames, offeredDeflate }));
    });
  });
  openServers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const result = await runEchoClient(`ws://127.0.0.1:${port}/`, { config: { close_timeout: 2000 } });
  expect(result.opened).toBe(true);
  return session;
}

export function closeCodeOf(frames: Frame[]): number | undefined {
  const close = frames.find((f) => f.opcode === 0x8);
  if (close === undefined) return undefined;
  return close.payload.length >= 2 ? close.payload.readUInt16BE(0) : 1005;
}

export function dataFrames(frames: Frame[]): Frame[] {
  return frames.filter((f) => f.opcode <= 0x2);
}

/** Whole messages from data frames (assembling continuations). */
export function messages(frames: Frame[]): { binary: boolean; data: Buffer }[] {
  const out: { binary: boolean; data: Buffer }[] = [];
  let current: { binary: boolean; parts: Buffer[] } | null = null;
  for (const f of dataFrames(frames)) {
    if (f.opcode !== 0) current = { binary: f.opcode === 2, parts: [] };
    current!.parts.push(f.payload);
    if (f.fin) {
      out.push({ binary: current!.binary, data: Buffer.concat(current!.parts) });
      current = null;
    }
  }
  return out;
}

export const CLOSE_1000 = frame({ opcode: 0x8, payload: closePayload(1000) });
