import { isUtf8 } from 'node:buffer';
import { isValidCloseCode } from './close-codes.js';
import { CloseCode, MAX_CLOSE_REASON } from './constants.js';
import { err, ok, parleyError, type ParleyError, type Result } from './result.js';
import type { ProtocolErrorCode, SendErrorCode } from './types.js';

export interface ClosePayload {
  /** 1005 (NoStatus) when the payload was empty. */
  code: number;
  reason: string;
}

/** The close code the connection must be failed with when a close payload is invalid. */
export interface ClosePayloadError extends ParleyError<ProtocolErrorCode> {
  readonly closeCode: number;
}

const EMPTY = Buffer.alloc(0);

/**
 * Parses the payload of a received close frame (RFC 6455 §5.5.1, §7.1.5).
 * Empty → code 1005; one byte → 1002; an invalid status code → 1002; a reason that is not
 * valid UTF-8 → 1007.
 */
export function parseClosePayload(payload: Uint8Array): Result<ClosePayload, ClosePayloadError> {
  if (payload.length === 0) return ok({ code: CloseCode.NoStatus, reason: '' });
  if (payload.length === 1) {
    return err(closeError(CloseCode.ProtocolError, 'INVALID_CLOSE_PAYLOAD', 'close payload of 1 byte'));
  }
  const code = (payload[0]! << 8) | payload[1]!;
  if (!isValidCloseCode(code)) {
    return err(closeError(CloseCode.ProtocolError, 'INVALID_CLOSE_CODE', `invalid close code ${code}`));
  }
  const reasonBytes = payload.subarray(2);
  if (!isUtf8(reasonBytes)) {
    return err(closeError(CloseCode.InvalidPayload, 'INVALID_UTF8', 'close reason is not valid UTF-8'));
  }
  const reason =
    reasonBytes.length === 0
      ? ''
      : Buffer.from(reasonBytes.buffer, reasonBytes.byteOffset, reasonBytes.length).toString('utf8');
  return ok({ code, reason });
}

/**
 * Encodes a close payload. `code` undefined → empty payload (the peer sees 1005).
 * The code must be one that may be sent (see isValidCloseCode) and the reason at most 123 UTF-8 bytes.
 */
export function encodeClosePayload(code?: number, reason = ''): Result<Buffer, ParleyError<SendErrorCode>> {
  if (code === undefined) {
    if (reason !== '') {
      return err(parleyError('INVALID_CLOSE_CODE', 'a close reason needs a close code'));
    }
    return ok(EMPTY);
  }
  if (!isValidCloseCode(code)) {
    return err(parleyError('INVALID_CLOSE_CODE', `close code ${code} may not be sent`));
  }
  const reasonLength = Buffer.byteLength(reason);
  if (reasonLength > MAX_CLOSE_REASON) {
    return err(
      parleyError('REASON_TOO_LONG', `close reason is ${reasonLength} bytes, at most ${MAX_CLOSE_REASON}`),
    );
  }
  const payload = Buffer.allocUnsafe(2 + reasonLength);
  payload.writeUInt16BE(code, 0);
  if (reasonLength > 0) payload.write(reason, 2, 'utf8');
  return ok(payload);
}

function closeError(closeCode: number, code: ProtocolErrorCode, message: string): ClosePayloadError {
  return { code, message, closeCode };
}
