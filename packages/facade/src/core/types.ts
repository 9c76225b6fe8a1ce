import type { CloseInfo, ParleyError, SendErrorCode, SendInfo } from '@parley/codec';

/**
 * What a send did, as a value people can branch on (never a bare number to decode):
 * `sent` — handed to the socket below the high-water mark; `queued` — accepted but waiting
 * behind backpressure (see `bufferedAmount`) or compression; `dropped` — discarded by the
 * backpressure policy (`drop`, or `close` which also started closing the session).
 */
export type SendOutcome = 'sent' | 'queued' | 'dropped';

export interface SendResult extends SendInfo {
  readonly outcome: SendOutcome;
  /** Bytes waiting for the peer right after this send. */
  readonly bufferedAmount: number;
}

export type SendError = ParleyError<SendErrorCode>;

/** How a connection ended, with a human diagnostic saying why. */
export interface CloseDetails extends CloseInfo {
  /**
   * Why, in words: `closed by peer`, `closed locally`, `heartbeat timeout`,
   * `protocol error: <rule>`, `connection reset by peer`, `slow consumer: ...`, ...
   */
  readonly diagnostic: string;
}

/** The object that owns a `ProtocolConnection` (a server session, a client connection). */
export interface ConnectionOwner {
  onMessage(data: string | Buffer, binary: boolean): void;
  onPing(payload: Buffer): void;
  onPong(payload: Buffer): void;
  /** The peer started the close handshake. */
  onClosing?(code: number, reason: string): void;
  /** Exactly once per connection, however it ended. */
  onClose(details: CloseDetails): void;
  /** The outgoing buffer reached the transport's high-water mark (reading pauses if configured). */
  onHighWater?(bufferedAmount: number): void;
  /** The outgoing buffer went back under the high-water mark. */
  onDrain?(): void;
}
