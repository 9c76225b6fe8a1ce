import { type ParleyError, parleyError } from '@parley/codec';
import { classifyError, nodeErrorCode, type TransportErrorCode } from '@parley/transport';

/**
 * Failure codes of the HTTP helpers: transport's codes for the connection (refused, timed out,
 * TLS), plus what only HTTP can get wrong. The original error is always the `cause`.
 */
export type HttpErrorCode =
  | TransportErrorCode
  | 'INVALID_URL'
  | 'INVALID_REQUEST'
  | 'INVALID_CONFIG'
  | 'TOO_MANY_REDIRECTS'
  | 'INSECURE_REDIRECT'
  | 'BODY_TOO_LARGE'
  | 'BAD_RESPONSE';

export type HttpError = ParleyError<HttpErrorCode>;

const UNDICI_CODES: Record<string, HttpErrorCode> = {
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_HEADERS_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_BODY_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_ABORTED: 'ABORTED',
  UND_ERR_ABORT: 'ABORTED',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'BODY_TOO_LARGE',
  UND_ERR_INVALID_ARG: 'INVALID_REQUEST',
  UND_ERR_NOT_SUPPORTED: 'INVALID_REQUEST',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'INVALID_REQUEST',
  UND_ERR_HEADERS_OVERFLOW: 'BAD_RESPONSE',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'BAD_RESPONSE',
  HPE_INVALID_CONSTANT: 'BAD_RESPONSE',
};

/** The Node error under undici's wrapper (UND_ERR_SOCKET wraps the socket's own error). */
function innermost(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 4; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null || nodeErrorCode(current) !== 'UND_ERR_SOCKET') break;
    current = cause;
  }
  return current;
}

/** Maps an error thrown by undici (or Node underneath it) to an `HttpError`. */
export function toHttpError(error: unknown, url: string): HttpError {
  const code = nodeErrorCode(error);
  const mapped = code === undefined ? undefined : UNDICI_CODES[code];
  const detail = error instanceof Error ? error.message : String(error);
  if (mapped !== undefined) return parleyError(mapped, `${url}: ${detail}`, error);
  const transportCode = classifyError(innermost(error), 'client');
  const finalCode = code === 'UND_ERR_SOCKET' && transportCode === 'UNKNOWN' ? 'ECONNRESET' : transportCode;
  return parleyError(finalCode, `${url}: ${describe(finalCode, detail)}`, error);
}

function describe(code: HttpErrorCode, detail: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused, nothing is listening there (${detail})`;
    case 'TLS_CERT_INVALID':
      return `the server certificate is not trusted (${detail}); pass its CA in tls.ca`;
    case 'HOSTNAME_MISMATCH':
      return `the server certificate is not valid for this host name (${detail})`;
    case 'CLIENT_CERT_REQUIRED':
      return `the server requires a client certificate it accepts (${detail})`;
    default:
      return detail;
  }
}

export function httpError(code: HttpErrorCode, message: string, cause?: unknown): HttpError {
  return parleyError(code, message, cause);
}
