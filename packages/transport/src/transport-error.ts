import { type ParleyError, parleyError } from '@parley/codec';

/**
 * The small, stable set of failure codes transport reports. Node's own error (with its
 * errno / OpenSSL code) is always kept as `cause`, so nothing is lost by the mapping.
 */
export type TransportErrorCode =
  | 'ECONNREFUSED'
  | 'ETIMEDOUT'
  | 'ECONNRESET'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'ENOTFOUND'
  | 'EHOSTUNREACH'
  | 'EACCES'
  | 'ABORTED'
  | 'TLS_CERT_INVALID'
  | 'HOSTNAME_MISMATCH'
  | 'TLS_HANDSHAKE_FAILED'
  | 'CLIENT_CERT_REQUIRED'
  | 'TLS_CONFIG_INVALID'
  | 'UNSUPPORTED'
  | 'EPIPE'
  | 'UNKNOWN';

export type TransportError = ParleyError<TransportErrorCode>;

/** Where the error happened: shapes the message and disambiguates TLS alerts. */
export interface ErrorContext {
  /** `host:port` (or a path) the operation was about, used in messages. */
  readonly target: string;
  /** Which end of a TLS session we are: an alert about "the certificate" means the other one's. */
  readonly role: 'client' | 'server';
}

/** OpenSSL verification results that mean "the peer's certificate chain is not trusted". */
const CERT_CHAIN_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

/** Alerts a TLS client receives when the server did not accept (or did not get) our certificate. */
const CLIENT_CERT_ALERTS = new Set([
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
]);

const ERRNO_ALIASES: Record<string, TransportErrorCode> = {
  ECONNREFUSED: 'ECONNREFUSED',
  ETIMEDOUT: 'ETIMEDOUT',
  ERR_TLS_HANDSHAKE_TIMEOUT: 'ETIMEDOUT',
  ECONNRESET: 'ECONNRESET',
  ECONNABORTED: 'ECONNRESET',
  ERR_STREAM_PREMATURE_CLOSE: 'ECONNRESET',
  EADDRINUSE: 'EADDRINUSE',
  EADDRNOTAVAIL: 'EADDRNOTAVAIL',
  ENOTFOUND: 'ENOTFOUND',
  EAI_AGAIN: 'ENOTFOUND',
  EAI_NONAME: 'ENOTFOUND',
  EHOSTUNREACH: 'EHOSTUNREACH',
  ENETUNREACH: 'EHOSTUNREACH',
  EHOSTDOWN: 'EHOSTUNREACH',
  EACCES: 'EACCES',
  EPERM: 'EACCES',
  EPIPE: 'EPIPE',
  ABORT_ERR: 'ABORTED',
  ERR_TLS_CERT_ALTNAME_INVALID: 'HOSTNAME_MISMATCH',
  ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE: 'CLIENT_CERT_REQUIRED',
};

/** The code Node put on an error; AggregateError (happy eyeballs) carries it on its members. */
export function nodeErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.length > 0) return nodeErrorCode(inner[0]);
  return undefined;
}

/** Classifies a Node / OpenSSL error into a `TransportErrorCode`. */
export function classifyError(error: unknown, role: 'client' | 'server'): TransportErrorCode {
  const code = nodeErrorCode(error);
  if (code === undefined) return 'UNKNOWN';
  const alias = ERRNO_ALIASES[code];
  if (alias !== undefined) return alias;
  if (CERT_CHAIN_CODES.has(code)) return 'TLS_CERT_INVALID';
  if (CLIENT_CERT_ALERTS.has(code)) return role === 'client' ? 'CLIENT_CERT_REQUIRED' : 'TLS_CERT_INVALID';
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return 'TLS_HANDSHAKE_FAILED';
  return 'UNKNOWN';
}

function describe(code: TransportErrorCode, context: ErrorContext, detail: string): string {
  const at = context.target;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection to ${at} was refused: nothing is listening there`;
    case 'ETIMEDOUT':
      return `connection to ${at} timed out (${detail})`;
    case 'ECONNRESET':
      return `connection to ${at} was reset by the peer`;
    case 'EADDRINUSE':
      return `cannot listen on ${at}: the port is already in use`;
    case 'EADDRNOTAVAIL':
      return `cannot use address ${at}: it is not available on this machine`;
    case 'ENOTFOUND':
      return `cannot resolve host of ${at}`;
    case 'EHOSTUNREACH':
      return `host of ${at} is unreachable`;
    case 'EACCES':
      return `permission denied for ${at} (ports below 1024 need privileges)`;
    case 'ABORTED':
      return `connection to ${at} was aborted`;
    case 'TLS_CERT_INVALID':
      return context.role === 'client'
        ? `the certificate of ${at} is not trusted (${detail}); pass its CA in tls.ca`
        : `certificate verification with the client at ${at} failed (${detail})`;
    case 'HOSTNAME_MISMATCH':
      return `the certificate of ${at} is not valid for that name (${detail})`;
    case 'CLIENT_CERT_REQUIRED':
      return context.role === 'client'
        ? `${at} requires a client certificate it accepts (${detail}); set tls.cert and tls.key`
        : `the client at ${at} did not present a certificate (${detail})`;
    case 'TLS_HANDSHAKE_FAILED':
      return `TLS handshake with ${at} failed (${detail})`;
    case 'TLS_CONFIG_INVALID':
      return `invalid TLS configuration: ${detail}`;
    case 'UNSUPPORTED':
      return `unsupported: ${detail}`;
    case 'EPIPE':
      return `connection to ${at} is closed for writing`;
    case 'UNKNOWN':
      return `transport error on ${at}: ${detail}`;
  }
}

/** Maps any error Node produced into a `TransportError` whose `cause` is the original. */
export function toTransportError(error: unknown, context: ErrorContext): TransportError {
  const code = classifyError(error, context.role);
  const detail = error instanceof Error ? error.message || nodeErrorCode(error) || error.name : String(error);
  return parleyError(code, describe(code, context, detail), error);
}

/** Builds a `TransportError` for a failure transport itself detected (timeout, bad option...). */
export function transportError(
  code: TransportErrorCode,
  context: ErrorContext,
  detail: string,
  cause?: unknown,
): TransportError {
  return parleyError(code, describe(code, context, detail), cause);
}

/** `host:port`, with brackets around IPv6 literals. */
export function formatTarget(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
