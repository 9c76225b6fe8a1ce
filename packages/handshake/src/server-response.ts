import { err, ok, type Result } from '@parley/codec/result';
import { isToken } from './chars.js';
import { type PerMessageDeflateOffer, validateDeflateResponse } from './deflate-client.js';
import type { PerMessageDeflateParams } from './deflate-params.js';
import { type HandshakeError, handshakeError } from './errors.js';
import { type HeaderMap, headerValue, listHasToken } from './header-map.js';
import { computeAccept } from './key.js';
import { MAX_ERROR_BODY_BYTES } from './limits.js';

export interface ServerResponseInput {
  status: number;
  headers: HeaderMap;
  /** Bytes after the head received so far; kept (bounded) in an UNEXPECTED_STATUS error. */
  body?: Buffer;
}

export interface ServerResponseExpectation {
  key: string;
  protocols: string[];
  /** What buildClientRequest offered; default `{}` like buildClientRequest. */
  perMessageDeflate?: PerMessageDeflateOffer | false;
}

export interface AcceptedHandshake {
  protocol: string | null;
  /** The server's Sec-WebSocket-Extensions value ('' when none). */
  extensions: string;
  deflate: PerMessageDeflateParams | null;
}

/**
 * The client's check of the server's answer (RFC 6455 §4.1, steps 1-6 of the response
 * validation). A status other than 101 is UNEXPECTED_STATUS carrying the status, headers
 * and at most MAX_ERROR_BODY_BYTES of body, so redirects and auth failures can be reported.
 */
export function validateServerResponse(
  res: ServerResponseInput,
  expect: ServerResponseExpectation,
): Result<AcceptedHandshake, HandshakeError> {
  const { headers } = res;
  if (res.status !== 101) {
    const body = res.body === undefined ? Buffer.alloc(0) : res.body.subarray(0, MAX_ERROR_BODY_BYTES);
    return err(
      handshakeError('UNEXPECTED_STATUS', `server answered ${res.status} instead of 101`, {
        status: res.status,
        headers,
        body,
      }),
    );
  }
  if (!listHasToken(headerValue(headers, 'upgrade') ?? '', 'websocket')) {
    return err(handshakeError('BAD_UPGRADE', 'response Upgrade header does not name websocket'));
  }
  if (!listHasToken(headerValue(headers, 'connection') ?? '', 'upgrade')) {
    return err(handshakeError('BAD_UPGRADE', 'response Connection header does not include upgrade'));
  }
  if (headerValue(headers, 'sec-websocket-accept') !== computeAccept(expect.key)) {
    return err(handshakeError('BAD_ACCEPT', 'Sec-WebSocket-Accept does not match the key sent'));
  }
  const protocol = headerValue(headers, 'sec-websocket-protocol') ?? null;
  if (protocol !== null && (!isToken(protocol) || !expect.protocols.includes(protocol))) {
    return err(
      handshakeError('BAD_PROTOCOL', `server selected subprotocol ${JSON.stringify(protocol)}, not offered`),
    );
  }
  const extensions = headerValue(headers, 'sec-websocket-extensions');
  const deflate = validateDeflateResponse(extensions, expect.perMessageDeflate ?? {});
  if (!deflate.ok) return deflate;
  return ok({ protocol, extensions: extensions ?? '', deflate: deflate.value });
}
