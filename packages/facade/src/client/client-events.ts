import type { ParleyError } from '../result.js';
import type { ClientError } from './client-error.js';
import type { HeaderMap } from './response-reader.js';

/** The client's state, IXWebSocket-style. */
export type ClientState = 'connecting' | 'open' | 'closing' | 'closed';

/** Sent with `open`: who answered and what was negotiated. */
export interface OpenInfo {
  /** The URL that accepted the upgrade (after redirects). */
  readonly url: string;
  /** The subprotocol the server selected, or '' when none. */
  readonly protocol: string;
  /** The Sec-WebSocket-Extensions the server answered with, or ''. */
  readonly extensions: string;
  /** Headers of the 101 response (lowercase names). */
  readonly headers: Readonly<HeaderMap>;
  readonly redirects: number;
  /** How many reconnects happened before this open (0 for the first connection). */
  readonly reconnects: number;
}

/** Sent with `close`. For abnormal closes (1006) `reason` says why. */
export interface ClientCloseInfo {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  /** Who ended it: we did, the server did, or the connection broke / never opened. */
  readonly initiatedBy: 'local' | 'remote' | 'transport';
  /** The same explanation in words (also for clean closes: 'closed by peer', …). */
  readonly diagnostic: string;
  /** Set when the server broke a protocol rule: which one. */
  readonly protocolError?: ParleyError;
  /** Set when the connection never opened: the final attempt's failure. */
  readonly error?: ClientError;
  /** True when the client is about to reconnect (a `reconnecting` event follows). */
  readonly willReconnect: boolean;
  /** Messages queued for a reconnect that will never happen: reported, not silently dropped. */
  readonly unsent: number;
}

/** Sent with `reconnecting`: the next attempt and how long until it. */
export interface ReconnectInfo {
  /** 1 for the first retry. */
  readonly retries: number;
  /** Milliseconds until the attempt. */
  readonly wait_time: number;
  /** Why the previous connection or attempt ended. */
  readonly reason: string;
}

export interface ClientEventMap {
  open: (info: OpenInfo) => void;
  /** Text arrives as a string, binary as a Buffer; one call per complete message. */
  message: (data: string | Buffer, isBinary: boolean) => void;
  close: (info: ClientCloseInfo) => void;
  /** A failed attempt (with retries, wait_time, http_status) or a failure while open. */
  error: (error: ClientError) => void;
  ping: (payload: Buffer) => void;
  pong: (payload: Buffer) => void;
  reconnecting: (info: ReconnectInfo) => void;
  /** The outgoing buffer crossed the write high-water mark: pause producing until `drain`. */
  highWater: (bufferedAmount: number) => void;
  /** The outgoing buffer went back under the high-water mark: sending may resume. */
  drain: () => void;
}
