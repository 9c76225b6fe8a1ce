import { describe, expect, it } from 'vitest';
import { describeCloseCode, isValidCloseCode } from '../src/close-codes.js';
import { encodeClosePayload, parseClosePayload } from '../src/close-payload.js';
import { CloseCode, isControlOpcode, isKnownOpcode, Opcode } from '../src/constants.js';
import type { DeflateCallback, DeflateFactory } from '../src/deflate-transform.js';
import { encodeFrame } from '../src/frame-encoder.js';
import { applyMask, type NativeMasking, useNativeMasking, useSimdMasking } from '../src/mask.js';
import { SIMD_BLOCK, simdMasker } from '../src/simd-mask.js';
import { MessageAssembler, type MessageHandler } from '../src/message-assembler.js';
import { PROTOCOL_DEFAULTS, resolveProtocolOptions } from '../src/options.js';
import { WebSocketProtocol } from '../src/protocol.js';
import { parleyError } from '../src/result.js';
import { clientFrame, closePayload, hex, RecordingSink } from './helpers.js';

describe('close codes', () => {
  it('describes known, registered, private and invalid codes', () => {
    expect(describeCloseCode(1000)).toBe('normal closure');
    expect(describeCloseCode(1009)).toBe('message too big');
    expect(describeCloseCode(1015)).toBe('TLS handshake failure');
    expect(describeCloseCode(3001)).toBe('library/framework code');
    expect(describeCloseCode(4001)).toBe('application code');
    expect(describeCloseCode(2000)).toBe('reserved');
    expect(describeCloseCode(999)).toBe('invalid');
    expect(describeCloseCode(5000)).toBe('invalid');
  });

  it('accepts exactly 1000–1003, 1007–1014 and 3000–4999', () => {
    const valid: number[] = [];
    for (let code = 0; code < 6000; code++) if (isValidCloseCode(code)) valid.push(code);
    expect(valid.length).toBe(4 + 8 + 2000);
    expect(isValidCloseCode(1000.5)).toBe(false);
    expect(isValidCloseCode(Number.NaN)).toBe(false);
  });

  it('encodes and parses close payloads', () => {
    expect(encodeClosePayload()).toEqual({ ok: true, value: Buffer.alloc(0) });
    const encoded = encodeClosePayload(4000, 'ünïcode');
    expect(encoded.ok && parseClosePayload(encoded.value)).toEqual({
      ok: true,
      value: { code: 4000, reason: 'ünïcode' },
    });
    expect(parseClosePayload(hex('03 e8'))).toEqual({ ok: true, value: { code: 1000, reason: '' } });
    expect(parseClosePayload(Buffer.alloc(0))).toEqual({ ok: true, value: { code: 1005, reason: '' } });
    const tooLong = encodeClosePayload(1000, 'x'.repeat(124));
    expect(!tooLong.ok && tooLong.error.code).toBe('REASON_TOO_LONG');
    expect(encodeClosePayload(1000, 'x'.repeat(123)).ok).toBe(true);
  });
});

describe('opcodes and masking', () => {
  it('classifies opcodes', () => {
    expect([0, 1, 2, 8, 9, 10].every(isKnownOpcode)).toBe(true);
    expect([3, 4, 5, 6, 7, 11, 12, 13, 14, 15].some(isKnownOpcode)).toBe(false);
    expect([8, 9, 10].every(isControlOpcode)).toBe(true);
    expect([0, 1, 2].some(isControlOpcode)).toBe(false);
  });

  it('masks views at every alignment and length the same as a byte loop', () => {
    const key = hex('de ad be ef');
    for (const shift of [0, 1, 2, 3]) {
      for (const length of [0, 1, 2, 3, 5, 31, 255, 256, 257, 263, 1000]) {
        const backing = Buffer.alloc(length + 4);
        const view = backing.subarray(shift, shift + length);
        for (let i = 0; i < length; i++) view[i] = i & 0xff;
        applyMask(view, key);
        for (let i = 0; i < length; i++) expect(view[i]).toBe((i & 0xff) ^ key[i & 3]!);
      }
    }
  });

  it('throws on a short key (a programming error)', () => {
    expect(() => applyMask(Buffer.alloc(4), Buffer.alloc(3))).toThrow(RangeError);
  });
});

describe('options', () => {
  it('fills defaults and ignores invalid numbers', () => {
    expect(resolveProtocolOptions({ role: 'server' })).toEqual({
      ...PROTOCOL_DEFAULTS,
      role: 'server',
      deflateMemLevel: undefined,
    });
    const resolved = resolveProtocolOptions({
      role: 'client',
      maxPayload: -1,
      maxFragments: 0,
      fragmentSize: -5,
      deflateThreshold: 10.7,
    });
    expect(resolveProtocolOptions({ role: 'server', deflateMemLevel: 12 }).deflateMemLevel).toBeUndefined();
    expect(resolveProtocolOptions({ role: 'server', deflateMemLevel: 4 }).deflateMemLevel).toBe(4);
    expect(resolved).toMatchObject({
      maxPayload: PROTOCOL_DEFAULTS.maxPayload,
      maxFragments: 100_000,
      fragmentSize: 0,
      deflateThreshold: 10,
    });
  });
});

describe('MessageAssembler', () => {
  function collect(maxPayload = 1 << 20) {
    const messages: Buffer[] = [];
    const errors: string[] = [];
    const handler: MessageHandler = {
      message: (data) => messages.push(Buffer.from(data)),
      compressed: () => errors.push('compressed'),
      control: () => errors.push('control'),
      protocolError: (_close, code) => errors.push(code),
    };
    return {
      messages,
      errors,
      assembler: new MessageAssembler(handler, { maxPayload, maxFragments: 10_000 }),
    };
  }

  it('reassembles thousands of tiny fragments (compacting views) into the right bytes', () => {
    const { messages, errors, assembler } = collect();
    const expected = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff));
    assembler.frame(false, false, Opcode.Binary, expected.subarray(0, 1));
    expect(assembler.inMessage).toBe(true);
    for (let i = 1; i < 999; i++)
      assembler.frame(false, false, Opcode.Continuation, Buffer.from(expected.subarray(i, i + 1)));
    assembler.frame(true, false, Opcode.Continuation, expected.subarray(999));
    expect(errors).toEqual([]);
    expect(messages).toEqual([expected]);
    expect(assembler.inMessage).toBe(false);
  });

  it('offers a streamed frame its final buffer, and still copies pieces a caller hands in from elsewhere', () => {
    const { messages, errors, assembler } = collect();
    const target = assembler.frameStart(true, false, Opcode.Binary, 6);
    expect(target).toHaveLength(6);
    // The first piece written into the target (as the FrameParser does), the second not.
    target!.set([1, 2, 3], 0);
    assembler.frameData(target!.subarray(0, 3));
    assembler.frameData(Buffer.from([4, 5, 6]));
    assembler.frameEnd();
    expect(errors).toEqual([]);
    expect(messages).toEqual([Buffer.from([1, 2, 3, 4, 5, 6])]);
  });

  it('delivers an empty fragmented message', () => {
    const { messages, assembler } = collect();
    assembler.frame(false, false, Opcode.Text, Buffer.alloc(0));
    assembler.frame(true, false, Opcode.Continuation, Buffer.alloc(0));
    expect(messages).toEqual([Buffer.alloc(0)]);
  });

  it('reports only the first error and ignores streamed data afterwards', () => {
    const { errors, assembler } = collect(10);
    assembler.frameStart(true, false, Opcode.Binary, 11);
    assembler.frameData(Buffer.alloc(5));
    assembler.frameEnd();
    assembler.frameError(1002, 'RESERVED_BITS', 'x');
    expect(errors).toEqual(['MESSAGE_TOO_BIG']);
  });
});

/** A transform that fails on demand, to reach the protocol's zlib error paths. */
function failingDeflate(code: string): DeflateFactory {
  return () => ({
    pending: 0,
    compress: (_data: Buffer, callback: DeflateCallback) =>
      queueMicrotask(() => callback(parleyError(code, code), null)),
    decompress: (_data: Buffer, _fin: boolean, callback: DeflateCallback) =>
      queueMicrotask(() => callback(parleyError(code, code), null)),
    close: () => {},
  });
}

const PARAMS = {
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

describe('WebSocketProtocol edge paths', () => {
  it('fails with 1011 when compression fails, and ignores CLOSED', async () => {
    const sink = new RecordingSink();
    const protocol = new WebSocketProtocol(
      sink,
      { role: 'server', deflate: PARAMS, deflateThreshold: 0 },
      failingDeflate('DEFLATE_FAILED'),
    );
    protocol.send('x');
    await sink.until(() => sink.closedInfo !== null);
    expect(sink.closedInfo).toMatchObject({ code: 1011, error: { code: 'INTERNAL_ERROR' } });

    const quiet = new RecordingSink();
    const closedOne = new WebSocketProtocol(
      quiet,
      { role: 'server', deflate: PARAMS, deflateThreshold: 0 },
      failingDeflate('CLOSED'),
    );
    closedOne.send('x');
    closedOne.receive(clientFrame(Opcode.Binary, hex('00'), { rsv1: true }));
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(quiet.events).toEqual([]);
    closedOne.destroy();
  });

  it('turns an exception inside the engine (here: a throwing sink) into a 1011 failure', () => {
    const sink = new RecordingSink();
    sink.message = () => {
      throw new Error('application bug');
    };
    const protocol = new WebSocketProtocol(sink, { role: 'server' });
    expect(() => protocol.receive(clientFrame(Opcode.Text, 'boom'))).not.toThrow();
    expect(sink.closedInfo).toMatchObject({ code: 1011, error: { code: 'INTERNAL_ERROR' } });
  });

  it('fails the connection (not the caller) when the deflate transform cannot be created', () => {
    const sink = new RecordingSink();
    const protocol = new WebSocketProtocol(sink, {
      role: 'server',
      deflate: { ...PARAMS, serverMaxWindowBits: 99 },
      deflateThreshold: 0,
    });
    const result = protocol.send('x');
    expect(!result.ok && result.error.code).toBe('NOT_OPEN');
    expect(sink.closedInfo).toMatchObject({ code: 1011, error: { code: 'INTERNAL_ERROR' } });
  });

  it('turns an exception in a sink called after inflation into a 1011 failure', async () => {
    const sink = new RecordingSink();
    sink.message = () => {
      throw new Error('application bug');
    };
    const protocol = new WebSocketProtocol(sink, { role: 'client', deflate: PARAMS });
    protocol.receive(hex('c1 07 f2 48 cd c9 c9 07 00'));
    await sink.until(() => sink.closedInfo !== null);
    expect(sink.closedInfo).toMatchObject({ code: 1011, error: { code: 'INTERNAL_ERROR' } });
  });

  it('cuts a long failure reason to whole characters within 123 bytes', () => {
    const sink = new RecordingSink();
    const protocol = new WebSocketProtocol(sink, { role: 'server', maxFragments: 1 });
    protocol.receive(clientFrame(Opcode.Binary, '', { fin: false }));
    protocol.receive(clientFrame(Opcode.Continuation, ''));
    const close = sink.frames('client')[0]!;
    expect(close.payload.readUInt16BE(0)).toBe(CloseCode.MessageTooBig);
    expect(close.payload.length).toBeLessThanOrEqual(125);
  });

  it('refuses a stream while a fin: false message is open', () => {
    const sink = new RecordingSink();
    const protocol = new WebSocketProtocol(sink, { role: 'server' });
    protocol.send('a', { fin: false });
    const stream = protocol.sendStream();
    const result = stream.write('b');
    expect(!result.ok && result.error.code).toBe('MESSAGE_IN_PROGRESS');
    expect(stream.finished).toBe(true);
  });

  it('answers a peer close that arrives while our own close is queued behind compression', async () => {
    const sink = new RecordingSink();
    const protocol = new WebSocketProtocol(sink, { role: 'server', deflate: PARAMS, deflateThreshold: 0 });
    protocol.send('compress me');
    protocol.close(1000);
    protocol.receive(clientFrame(Opcode.Close, closePayload(1000)));
    expect(sink.closedInfo).toBeNull();
    await sink.until(() => sink.closedInfo !== null);
    expect(sink.closedInfo).toMatchObject({ code: 1000, wasClean: true, initiatedBy: 'local' });
    expect(sink.frames('client').map((f) => f.opcode)).toEqual([Opcode.Text, Opcode.Close]);
  });

  it('keeps writing frames passed to the sink in order when the sink re-enters send()', () => {
    const sink = new RecordingSink();
    let reentered = false;
    const protocol = new WebSocketProtocol(
      Object.assign(sink, {
        write(data: Buffer) {
          RecordingSink.prototype.write.call(sink, data);
          if (!reentered) {
            reentered = true;
            protocol.send('second');
          }
        },
      }),
      { role: 'server' },
    );
    protocol.send('first');
    expect(sink.frames('client').map((f) => f.payload.toString())).toEqual(['first', 'second']);
    expect(encodeFrame(Opcode.Text, Buffer.from('first'))).toEqual(sink.writes[0]);
  });
});

describe('WebAssembly SIMD masking', () => {
  /** The reference: one byte at a time, straight from RFC 6455 §5.3. */
  function byteWise(source: Uint8Array, key: Uint8Array, phase: number): Buffer {
    return Buffer.from(source.map((b, i) => b ^ key[(i + phase) & 3]!));
  }

  it('is available on every Node this project supports (so the tests below exercise it)', () => {
    const simd = simdMasker();
    expect(simd).not.toBeNull();
    expect(simd!.scratch.length).toBe(SIMD_BLOCK);
  });

  it('gives the bytes of a byte-wise XOR for every phase, alignment and length, across block boundaries', () => {
    const key = hex('a1 b2 c3 d4');
    const lengths = [767, 768, 769, 1000, 4096, 65_535, SIMD_BLOCK, SIMD_BLOCK + 1, 2 * SIMD_BLOCK + 13];
    for (const phase of [0, 1, 2, 3]) {
      for (const shift of [0, 1, 3]) {
        for (const length of lengths) {
          const source = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);
          const backing = Buffer.alloc(length + 8, 0xee);
          const view = backing.subarray(shift, shift + length);
          view.set(source);
          applyMask(view, key, phase);
          expect(Buffer.compare(view, byteWise(source, key, phase))).toBe(0);
          // Bytes around the range are untouched (the kernel XORs its scratch in 64-byte steps).
          expect(backing.subarray(0, shift).every((b) => b === 0xee)).toBe(true);
          expect(backing.subarray(shift + length).every((b) => b === 0xee)).toBe(true);
        }
      }
    }
  });

  it('matches the JavaScript word loop, which stays the fallback', () => {
    const key = hex('0f f0 5a a5');
    const source = Uint8Array.from({ length: 3 * SIMD_BLOCK + 101 }, (_, i) => (i * 13) & 0xff);
    const viaSimd = Buffer.from(source).subarray(1);
    const viaJs = Buffer.from(source).subarray(1);
    try {
      applyMask(viaSimd, key, 2);
      useSimdMasking(false);
      applyMask(viaJs, key, 2);
    } finally {
      useSimdMasking(true);
    }
    expect(viaSimd.equals(viaJs)).toBe(true);
    expect(viaJs.equals(byteWise(source.subarray(1), key, 2))).toBe(true);
  });

  it('unmasks received frames and masks client frames (across a 64 KiB block boundary)', () => {
    const payload = Buffer.from(Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff));
    const sink = new RecordingSink();
    new WebSocketProtocol(sink, { role: 'server' }).receive(clientFrame(Opcode.Binary, payload));
    expect(sink.messages).toEqual([payload]);
    const key = hex('11 22 33 44');
    const frame = encodeFrame(Opcode.Binary, payload, { mask: key });
    expect(frame.subarray(14).equals(byteWise(payload, key, 0))).toBe(true);
  });
});

describe('useNativeMasking (opt-in bufferutil)', () => {
  it('gives the same bytes as the JS path for every phase, alignment and length, and can be removed', async () => {
    const { createRequire } = await import('node:module');
    const bufferutil = createRequire(import.meta.url)('bufferutil') as NativeMasking;
    const key = hex('a1 b2 c3 d4');
    try {
      for (const phase of [0, 1, 2, 3]) {
        for (const length of [255, 256, 257, 1000]) {
          const source = Buffer.from(Array.from({ length: length + 3 }, (_, i) => (i * 13) & 0xff));
          const viaJs = Buffer.from(source).subarray(3);
          const viaNative = Buffer.from(source).subarray(3);
          useNativeMasking(null);
          applyMask(viaJs, key, phase);
          useNativeMasking(bufferutil);
          applyMask(viaNative, key, phase);
          expect(viaNative).toEqual(viaJs);
        }
      }
      // The protocol path (unmasking in place while parsing) uses it too.
      const sink = new RecordingSink();
      new WebSocketProtocol(sink, { role: 'server' }).receive(
        clientFrame(Opcode.Binary, Buffer.alloc(5000, 0x42)),
      );
      expect(sink.messages).toEqual([Buffer.alloc(5000, 0x42)]);
    } finally {
      useNativeMasking(null);
    }
  });
});

describe('OutboundQueue', () => {
  it('counts an entry as sent when its bytes reach the sink, and queues writes made from inside the sink', async () => {
    const { OutboundEntry, OutboundQueue } = await import('../src/outbound-queue.js');
    const written: string[] = [];
    const lengths: number[] = [];
    let queue: InstanceType<typeof OutboundQueue>;
    const late = new OutboundEntry(false);
    late.add(Buffer.from('late'));
    queue = new OutboundQueue({
      write(data) {
        written.push(data.toString());
        lengths.push(queue.length);
        if (data.toString() === 'a1') {
          expect(queue.idle).toBe(false);
          queue.push(late);
        }
      },
    });
    const stream = new OutboundEntry(true);
    queue.push(stream);
    const ready = new OutboundEntry(false);
    ready.add(Buffer.from('b'));
    queue.push(ready);
    stream.add(Buffer.from('a1'));
    queue.flush();
    expect(written).toEqual(['a1']);
    // The stream ends from inside the sink while its last chunk is being written.
    const ending = new OutboundQueue({
      write(data) {
        written.push(data.toString());
        if (data.toString() === 'x') {
          endingStream.add(Buffer.from('y'));
          endingStream.open = false;
          ending.flush();
        }
      },
    });
    const endingStream = new OutboundEntry(true);
    ending.push(endingStream);
    const after = new OutboundEntry(false);
    after.add(Buffer.from('z'));
    ending.push(after);
    endingStream.add(Buffer.from('x'));
    ending.flush();
    expect(written).toEqual(['a1', 'x', 'y', 'z']);
    expect(ending.idle).toBe(true);
    stream.open = false;
    queue.flush();
    expect(written).toEqual(['a1', 'x', 'y', 'z', 'b', 'late']);
    expect(lengths).toEqual([2, 1, 0]);
  });
});
