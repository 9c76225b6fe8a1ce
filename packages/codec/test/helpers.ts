import { encodeFrame } from '../src/frame-encoder.js';
import { FrameParser, type FrameHandler } from '../src/frame-parser.js';
import type { CloseInfo, ProtocolErrorCode, ProtocolSink } from '../src/types.js';

export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/(0x|\s|,)+/g, ''), 'hex');
}

export type SinkEvent =
  | { type: 'message'; data: string | Buffer; binary: boolean }
  | { type: 'ping'; payload: Buffer }
  | { type: 'pong'; payload: Buffer }
  | { type: 'closing'; code: number; reason: string }
  | { type: 'closed'; info: CloseInfo };

/** A ProtocolSink that records everything, copying written bytes. */
export class RecordingSink implements ProtocolSink {
  readonly writes: Buffer[] = [];
  /** The very buffers passed to write() (not copies), to check identity. */
  readonly originals: Buffer[] = [];
  readonly events: SinkEvent[] = [];
  closedInfo: CloseInfo | null = null;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  write(data: Buffer): void {
    this.writes.push(Buffer.from(data));
    this.originals.push(data);
    this.notify();
  }

  /** Resolves once `check()` holds (checked now and after every sink call). */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  private notify(): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.check()) return true;
      waiter.resolve();
      return false;
    });
  }
  message(data: string | Buffer, binary: boolean): void {
    this.events.push({ type: 'message', data: typeof data === 'string' ? data : Buffer.from(data), binary });
    this.notify();
  }
  ping(payload: Buffer): void {
    this.events.push({ type: 'ping', payload: Buffer.from(payload) });
  }
  pong(payload: Buffer): void {
    this.events.push({ type: 'pong', payload: Buffer.from(payload) });
  }
  closing(code: number, reason: string): void {
    this.events.push({ type: 'closing', code, reason });
  }
  closed(info: CloseInfo): void {
    if (this.closedInfo !== null) throw new Error('closed reported twice');
    this.closedInfo = info;
    this.events.push({ type: 'closed', info });
    this.notify();
  }

  get messages(): (string | Buffer)[] {
    return this.events.flatMap((e) => (e.type === 'message' ? [e.data] : []));
  }

  /** Everything written, decoded as frames (as the peer in `peerRole` would see them). */
  frames(peerRole: 'client' | 'server'): ParsedFrame[] {
    return parseFrames(Buffer.concat(this.writes), peerRole).frames;
  }

  takeWrites(): Buffer {
    const all = Buffer.concat(this.writes);
    this.writes.length = 0;
    return all;
  }
}

export interface ParsedFrame {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  payload: Buffer;
}

export interface ParseOutcome {
  frames: ParsedFrame[];
  error: { closeCode: number; code: ProtocolErrorCode } | null;
}

/** Collects frames (joining streamed ones) from a FrameParser fed `chunks`. */
export function parseFrames(
  data: Buffer | Buffer[],
  role: 'client' | 'server',
  allowRsv1 = true,
): ParseOutcome {
  const outcome: ParseOutcome = { frames: [], error: null };
  let current: ParsedFrame | null = null;
  let parts: Buffer[] = [];
  const handler: FrameHandler = {
    frame(fin, rsv1, opcode, payload) {
      outcome.frames.push({ fin, rsv1, opcode, payload: Buffer.from(payload) });
    },
    frameStart(fin, rsv1, opcode) {
      current = { fin, rsv1, opcode, payload: Buffer.alloc(0) };
      parts = [];
    },
    frameData(part) {
      parts.push(Buffer.from(part));
    },
    frameEnd() {
      const frame = current!;
      frame.payload = Buffer.concat(parts);
      outcome.frames.push(frame);
      current = null;
    },
    frameError(closeCode, code) {
      outcome.error = { closeCode, code };
    },
  };
  const parser = new FrameParser(handler, { role, allowRsv1 });
  for (const chunk of Array.isArray(data) ? data : [data]) parser.push(Buffer.from(chunk));
  return outcome;
}

/** A frame as a client sends it (masked with a fixed key unless given). */
export function clientFrame(
  opcode: number,
  payload: Buffer | string,
  options: { fin?: boolean; rsv1?: boolean; mask?: Uint8Array } = {},
): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return encodeFrame(opcode, data, {
    fin: options.fin ?? true,
    rsv1: options.rsv1 ?? false,
    mask: options.mask ?? Buffer.from([0x12, 0x34, 0x56, 0x78]),
  });
}

/** A frame as a server sends it (unmasked). */
export function serverFrame(
  opcode: number,
  payload: Buffer | string,
  options: { fin?: boolean; rsv1?: boolean } = {},
): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return encodeFrame(opcode, data, { fin: options.fin ?? true, rsv1: options.rsv1 ?? false });
}

/** Splits `data` into chunks of `size` bytes (copies, so in-place unmasking never aliases). */
export function chop(data: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) chunks.push(Buffer.from(data.subarray(i, i + size)));
  return chunks;
}

export function closePayload(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
}
