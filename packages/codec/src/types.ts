import type { ParleyError } from './result.js';

/** Result of permessage-deflate negotiation (produced by @parley/handshake, consumed here). */
export interface PerMessageDeflateParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  /** 8..15 (8 is treated as 9 for zlib, see the deflate docs) */
  serverMaxWindowBits: number;
  /** 8..15 */
  clientMaxWindowBits: number;
}

export type Role = 'client' | 'server';

export interface ProtocolOptions {
  role: Role;
  /** Whole-message limit in bytes (after inflation). */
  maxPayload: number;
  /** Most frames one message may be split into. */
  maxFragments: number;
  /** Auto-fragment outgoing messages above this many bytes; 0 = never. */
  fragmentSize: number;
  /** null = permessage-deflate not negotiated (RSV1 on an incoming frame is then a protocol error). */
  deflate: PerMessageDeflateParams | null;
  /** Compress only payloads of at least this many bytes. */
  deflateThreshold: number;
  /** zlib memLevel for our deflater; undefined = the deflate transform's documented default. */
  deflateMemLevel?: number;
  /** Answer pings with a pong automatically. */
  autoPong: boolean;
}

/** Why we failed a connection: which rule the peer broke. */
export type ProtocolErrorCode =
  | 'RESERVED_BITS'
  | 'RESERVED_OPCODE'
  | 'FRAGMENTED_CONTROL'
  | 'CONTROL_TOO_LONG'
  | 'MASK_EXPECTED'
  | 'MASK_UNEXPECTED'
  | 'LENGTH_TOO_LARGE'
  | 'MESSAGE_TOO_BIG'
  | 'TOO_MANY_FRAGMENTS'
  | 'UNEXPECTED_CONTINUATION'
  | 'EXPECTED_CONTINUATION'
  | 'INVALID_UTF8'
  | 'INVALID_CLOSE_PAYLOAD'
  | 'INVALID_CLOSE_CODE'
  | 'INFLATE_FAILED'
  | 'INTERNAL_ERROR';

/** Why a send-side call was refused. */
export type SendErrorCode =
  | 'NOT_OPEN'
  | 'CONTROL_PAYLOAD_TOO_LARGE'
  | 'INVALID_CLOSE_CODE'
  | 'REASON_TOO_LONG'
  | 'INVALID_UTF8'
  | 'STREAM_ENDED'
  | 'MESSAGE_IN_PROGRESS'
  | 'CANCELLED';

export interface CloseInfo {
  /** 1005 when the peer sent no code; 1006 when no close frame was exchanged. */
  code: number;
  reason: string;
  wasClean: boolean;
  /** Set when we failed the connection: which rule the peer broke. */
  error?: ParleyError<ProtocolErrorCode>;
  initiatedBy: 'local' | 'remote' | 'transport';
}

/** The owner (facade) implements this; the protocol calls it. One object per connection. */
export interface ProtocolSink {
  /** Bytes to put on the wire, in order. The owner corks writes made in the same tick. */
  write(data: Buffer): void;
  /** One call per complete message. */
  message(data: string | Buffer, binary: boolean): void;
  ping(payload: Buffer): void;
  pong(payload: Buffer): void;
  /** The close handshake has finished or the connection failed: end the transport now. */
  closed(info: CloseInfo): void;
  /** Optional: the peer started the close handshake (before our reply is written). */
  closing?(code: number, reason: string): void;
}

export interface SendInfo {
  /** Bytes of application payload (UTF-8 bytes for text). */
  payloadSize: number;
  /** Bytes written to the wire for this message (headers included); 0 while `pending`. */
  wireSize: number;
  compressed: boolean;
  /** True when the frame is queued (waiting for compression or an earlier message) rather than written. */
  pending: boolean;
}

export type MessageData = string | Buffer | Uint8Array | ArrayBuffer;
