import { reasonPhrase, validateHeaders } from '@parley/handshake';
import type { PlainHttpResponse } from '../config/server-config.js';

const RESERVED = new Set(['content-length', 'connection', 'transfer-encoding']);

const INVALID = Buffer.from(
  'HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
    'Content-Length: 36\r\n\r\nhttp_handler returned a bad response',
  'latin1',
);

/**
 * Serialises the answer to a plain HTTP request on a raw (non node:http) listener: status
 * line, the handler's headers, `Content-Length`, `Connection: close`, body. Anything that
 * cannot be sent safely (bad status, header injection) becomes a fixed 500.
 */
export function serializePlainResponse(response: PlainHttpResponse): Buffer {
  const { status } = response;
  const headers = response.headers ?? {};
  if (!Number.isInteger(status) || status < 200 || status > 599) return INVALID;
  if (!validateHeaders(headers, RESERVED).ok) return INVALID;
  const body =
    typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : (response.body ?? null);
  const length = body?.length ?? 0;
  let head = `HTTP/1.1 ${status} ${status < 300 ? okPhrase(status) : reasonPhrase(status)}\r\nConnection: close\r\n`;
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (!hasType && length > 0) head += 'Content-Type: text/plain; charset=utf-8\r\n';
  for (const name of Object.keys(headers)) head += `${name}: ${headers[name]}\r\n`;
  head += `Content-Length: ${length}\r\n\r\n`;
  const headBytes = Buffer.from(head, 'latin1');
  return body === null || length === 0 ? headBytes : Buffer.concat([headBytes, body]);
}

function okPhrase(status: number): string {
  if (status === 200) return 'OK';
  if (status === 201) return 'Created';
  if (status === 204) return 'No Content';
  return 'OK';
}
