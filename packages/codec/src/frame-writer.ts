import { Opcode } from './constants.js';
import { encodeFrame } from './frame-encoder.js';
import { pushUnmaskedFrame } from './prepared-message.js';

/**
 * Encodes one message (or one piece of a streamed message) as frames appended to `out`:
 * split at `fragmentSize` (0 = one frame), RSV1 only on the first frame, FIN only on the last
 * when `fin`, masked with fresh keys when `masked` (client role). Returns the wire bytes added.
 */
export function encodeMessageFrames(
  out: Buffer[],
  opcode: number,
  payload: Buffer,
  fin: boolean,
  rsv1: boolean,
  masked: boolean,
  fragmentSize: number,
): number {
  const before = out.length;
  const length = payload.length;
  if (fragmentSize === 0 || length <= fragmentSize) {
    pushFrame(out, opcode, payload, fin, rsv1, masked);
  } else {
    for (let offset = 0; offset < length; offset += fragmentSize) {
      const end = Math.min(offset + fragmentSize, length);
      const first = offset === 0;
      pushFrame(
        out,
        first ? opcode : Opcode.Continuation,
        payload.subarray(offset, end),
        fin && end === length,
        first && rsv1,
        masked,
      );
    }
  }
  let size = 0;
  for (let i = before; i < out.length; i++) size += out[i]!.length;
  return size;
}

function pushFrame(
  out: Buffer[],
  opcode: number,
  payload: Buffer,
  fin: boolean,
  rsv1: boolean,
  masked: boolean,
): void {
  if (masked) out.push(encodeFrame(opcode, payload, { fin, rsv1, mask: true }));
  else pushUnmaskedFrame(out, opcode, payload, fin, rsv1);
}
