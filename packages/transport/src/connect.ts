import type { Result } from '@parley/codec';
import { ConnectAttempt, type ConnectOptions } from './connect-attempt.js';
import type { Connection } from './connection.js';
import type { TransportError } from './transport-error.js';

export type { ConnectOptions } from './connect-attempt.js';

/**
 * Opens a TCP (or TLS) connection. Resolves to a `Connection` once TCP is connected and, for
 * TLS, the handshake has finished and the server's certificate was verified; otherwise to a
 * typed `TransportError` (`ECONNREFUSED`, `ETIMEDOUT`, `TLS_CERT_INVALID`, ...). Never rejects.
 */
export function connect(options: ConnectOptions): Promise<Result<Connection, TransportError>> {
  return new Promise((resolve) => new ConnectAttempt(options, resolve).start());
}
