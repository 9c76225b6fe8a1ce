import { Opcode } from './constants.js';
import { encodeFrameHeader, frameHeaderSize, writeFrameHeader } from './frame-encoder.js';
import type { MessageData } from './types.js';

/** Payloads up to this size are copied behind their header so the frame is one buffer (one write). */
export const MERGE_LIMIT = 4096;

/**
 * A message framed once for many receivers (server role: frames are unmasked, so the bytes
 * are identical for every connection). `sendPrepared` writes `frames` as they are.
 */
export interface PreparedMessage {
  readonly binary: boolean;
  /** The payload bytes (UTF-8 for text), kept for receivers that must mask (client role). */
  readonly payload: Buffer;
  /** Unmasked wire buffers of the whole message. */
  readonly frames: readonly Buffer[];
  readonly payloadSize: number;
  readonly wireSize: number;
}

/** Converts any accepted message data to a Buffer without copying where possible. */
export function toBuffer(data: MessageData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Frames a message once for broadcast. Strings are text, anything else binary unless
 * `binary` says otherwise. `fragmentSize` > 0 splits the payload into frames of that size.
 * The payload buffer is referenced, not copied (for payloads above 4 KiB): do not modify it
 * while the message may still be sent.
 */
export function prepareMessage(
  data: MessageData,
  options: { binary?: boolean; fragmentSize?: number } = {},
): PreparedMessage {
  const binary = options.binary ?? typeof data !== 'string';
  const payload = toBuffer(data);
  const opcode = binary ? Opcode.Binary : Opcode.Text;
  const frames: Buffer[] = [];
  const step = options.fragmentSize !== undefined && options.fragmentSize > 0 ? options.fragmentSize : 0;
  if (step === 0 || payload.length <= step) {
    pushUnmaskedFrame(frames, opcode, payload, true, false);
  } else {
    for (let offset = 0; offset < payload.length; offset += step) {
      const end = Math.min(offset + step, payload.length);
      pushUnmaskedFrame(
        frames,
        offset === 0 ? opcode : Opcode.Continuation,
        payload.subarray(offset, end),
        end === payload.length,
        false,
      );
    }
  }
  let wireSize = 0;
  for (const frame of frames) wireSize += frame.length;
  return { binary, payload, frames, payloadSize: payload.length, wireSize };
}

/** Appends an unmasked frame: one merged buffer when small, header + payload view when large. */
export function pushUnmaskedFrame(
  out: Buffer[],
  opcode: number,
  payload: Buffer,
  fin: boolean,
  rsv1: boolean,
): void {
  const length = payload.length;
  if (length <= MERGE_LIMIT) {
    const frame = Buffer.allocUnsafe(frameHeaderSize(length, false) + length);
    const offset = writeFrameHeader(frame, 0, opcode, length, fin, rsv1, false);
    payload.copy(frame, offset);
    out.push(frame);
  } else {
    out.push(encodeFrameHeader(opcode, length, { fin, rsv1 }));
    out.push(payload);
  }
}
