import type { ParleyError } from '../result.js';
import { type AttemptFailure, type ClientErrorCode, attemptFailure } from './client-error.js';

/**
 * Turns a transport error (from `connect` or a connection's `end`) into a failure whose
 * message starts with what a user scans for in a close/error event — 'connection refused',
 * 'TLS: certificate invalid', 'connection reset by peer' — followed by transport's own
 * sentence (which names the host and port).
 */
export function failureFromTransport(error: ParleyError): AttemptFailure {
  const [code, prefix] = classify(error.code);
  return attemptFailure(code, `${prefix}: ${error.message}`, { cause: error });
}

function classify(code: string): [ClientErrorCode, string] {
  switch (code) {
    case 'ECONNREFUSED':
      return ['CONNECTION_REFUSED', 'connection refused'];
    case 'ENOTFOUND':
      return ['DNS_FAILED', 'DNS lookup failed'];
    case 'EHOSTUNREACH':
    case 'EADDRNOTAVAIL':
    case 'EACCES':
      return ['NETWORK_UNREACHABLE', 'network unreachable'];
    case 'ECONNRESET':
    case 'EPIPE':
      return ['CONNECTION_RESET', 'connection reset by peer'];
    case 'ETIMEDOUT':
    case 'ABORTED':
      return ['HANDSHAKE_TIMEOUT', 'handshake timeout'];
    case 'TLS_CERT_INVALID':
      return ['TLS_FAILED', 'TLS: certificate invalid'];
    case 'HOSTNAME_MISMATCH':
      return ['TLS_FAILED', 'TLS: certificate does not match the host name'];
    case 'CLIENT_CERT_REQUIRED':
      return ['TLS_FAILED', 'TLS: client certificate required'];
    case 'TLS_HANDSHAKE_FAILED':
      return ['TLS_FAILED', 'TLS: handshake failed'];
    case 'TLS_CONFIG_INVALID':
      return ['TLS_FAILED', 'TLS: invalid configuration'];
    default:
      return ['HANDSHAKE_FAILED', 'connection failed'];
  }
}
