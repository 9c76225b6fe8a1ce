import type { ParleyError } from '../result.js';

/** Why a connection attempt (or the client as a whole) failed. */
export type ClientErrorCode =
  | 'CONNECTION_REFUSED'
  | 'DNS_FAILED'
  | 'NETWORK_UNREACHABLE'
  | 'CONNECTION_RESET'
  | 'TLS_FAILED'
  | 'HANDSHAKE_TIMEOUT'
  | 'HANDSHAKE_FAILED'
  | 'HTTP_STATUS'
  | 'TOO_MANY_REDIRECTS'
  | 'PROXY_FAILED'
  /** TLS to an https:// proxy failed (its certificate, its name, the handshake); `cause` has the detail. */
  | 'PROXY_TLS_FAILED'
  | 'STOPPED'
  | 'MESSAGES_UNSENT';

/**
 * A failed attempt, in the IXWebSocket "error info" shape: the reason, how many retries so
 * far, how long until the next one, and the HTTP status (with body) when the server
 * refused the upgrade.
 */
export interface ClientError extends ParleyError<ClientErrorCode> {
  /** Retries made so far (0 on the first attempt). */
  readonly retries: number;
  /** Milliseconds until the next attempt; undefined when the client gives up. */
  readonly wait_time?: number;
  readonly http_status?: number;
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
  /** The response body of a refused upgrade (bounded, decoded as UTF-8). */
  readonly body?: string;
  /** The URL of the attempt that failed (after redirects). */
  readonly url?: string;
}

export interface AttemptFailure {
  readonly code: ClientErrorCode;
  readonly message: string;
  readonly cause?: unknown;
  readonly http_status?: number;
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
  readonly body?: string;
  readonly url?: string;
}

export function attemptFailure(
  code: ClientErrorCode,
  message: string,
  extra: Omit<AttemptFailure, 'code' | 'message'> = {},
): AttemptFailure {
  return { code, message, ...extra };
}

export function toClientError(failure: AttemptFailure, retries: number, waitTime?: number): ClientError {
  const error: ClientError = { ...failure, retries };
  return waitTime === undefined ? error : { ...error, wait_time: waitTime };
}
