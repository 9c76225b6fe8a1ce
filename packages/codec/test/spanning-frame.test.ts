import { describe, expect, it } from 'vitest';
import { type CloseInfo, encodeFrame, Opcode, type ProtocolSink, WebSocketProtocol } from '../src/index.js';
import { useSimdMasking } from '../src/mask.js';
import { SIMD_BLOCK } from '../src/simd-mask.js';

/** A server-role protocol that records what it reports. */
function server(maxPayload?: number) {
  const messages: { data: string | Buffer; binary: boolean }[] = [];
  const closes: CloseInfo[] = [];
  const sink: ProtocolSink = {
    write() {},
    message: (data, binary) => messages.push({ data, binary }),
    ping() {},
    pong() {},
    closed: (info) => closes.push(info),
  };
  const protocol = new WebSocketProtocol(sink, { role: 'server', ...(maxPayload ? { maxPayload } : {}) });
  return { protocol, messages, closes };
}

const KEY = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

function split(frame: Buffer, at: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let from = 0;
  for (const cut of [...at, frame.length]) {
    parts.push(Buffer.from(frame.subarray(from, cut)));
    from = cut;
  }
  return parts;
}

describe('an unfragmented frame that spans chunks', () => {
  it('arrives as one message equal to what was sent, in its own memory', () => {
    const payload = Buffer.alloc(70_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
    const frame = encodeFrame(Opcode.Binary, payload, { mask: KEY });
    const { protocol, messages } = server();
    const parts = split(frame, [3, 9000, 40_001]);
    for (const part of parts) protocol.receive(part);
    expect(messages).toHaveLength(1);
    const got = messages[0]!.data as Buffer;
    expect(messages[0]!.binary).toBe(true);
    expect(got.equals(payload)).toBe(true);
    for (const part of parts) part.fill(0);
    expect(got.equals(payload)).toBe(true);
  });

  it('unmasks chunks longer than the SIMD block straight into the message, leaving them as received', () => {
    const payload = Buffer.alloc(3 * SIMD_BLOCK + 4099);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 17 + 5) & 0xff;
    const frame = encodeFrame(Opcode.Binary, payload, { mask: KEY });
    for (const simd of [true, false]) {
      const { protocol, messages } = server();
      // 14-byte header + 1 payload byte, then one chunk of several blocks at key phase 1.
      const parts = split(frame, [15, frame.length - 3]);
      const received = parts.map((part) => Buffer.from(part));
      useSimdMasking(simd);
      try {
        for (const part of parts) protocol.receive(part);
      } finally {
        useSimdMasking(true);
      }
      expect((messages[0]!.data as Buffer).equals(payload)).toBe(true);
      expect(parts).toEqual(received);
    }
  });

  it('accepts a text frame whose UTF-8 sequence is cut between chunks', () => {
    const text = `${'a'.repeat(300)}€${'b'.repeat(300)}`;
    const frame = encodeFrame(Opcode.Text, Buffer.from(text), { mask: KEY });
    const euroAt = 4 + 4 + 300; // 16-bit length header + key, then 300 ASCII bytes
    const { protocol, messages, closes } = server();
    for (const part of split(frame, [euroAt + 1, euroAt + 2])) protocol.receive(part);
    expect(closes).toEqual([]);
    expect(messages).toEqual([{ data: text, binary: false }]);
  });

  it('fails with 1007 as soon as a chunk makes the text invalid, before the frame ends', () => {
    const bytes = Buffer.alloc(1000, 0x61);
    bytes[500] = 0xff;
    const frame = encodeFrame(Opcode.Text, bytes, { mask: KEY });
    const { protocol, messages, closes } = server();
    protocol.receive(frame.subarray(0, 300));
    expect(closes).toEqual([]);
    protocol.receive(frame.subarray(300, 700));
    expect(messages).toEqual([]);
    expect(closes[0]?.code).toBe(1007);
  });

  it('still assembles frames announced above the preallocation cap from what arrives', () => {
    const payload = Buffer.alloc(1024 * 1024 + 5, 0x5c);
    payload[payload.length - 1] = 0x01;
    const frame = encodeFrame(Opcode.Binary, payload, { mask: KEY });
    const { protocol, messages } = server(2 * 1024 * 1024);
    for (const part of split(frame, [100, 500_000, 900_000])) protocol.receive(part);
    expect(messages).toHaveLength(1);
    expect((messages[0]!.data as Buffer).equals(payload)).toBe(true);
  });

  it('refuses a frame announced above maxPayload before allocating for it (1009)', () => {
    const frame = encodeFrame(Opcode.Binary, Buffer.alloc(5000, 1), { mask: KEY });
    const { protocol, messages, closes } = server(4096);
    protocol.receive(frame.subarray(0, 10));
    expect(messages).toEqual([]);
    expect(closes[0]?.code).toBe(1009);
  });
});
