import { err, ok, type Result } from '@parley/codec/result';
import { type HandshakeRejection, rejection } from './errors.js';
import { type ExtensionOffer, parseExtensionsHeader } from './extensions-header.js';
import { type HeaderMap, headerValue, listHasToken } from './header-map.js';
import { isValidKey } from './key.js';
import type { ExtensionsLimits, ProtocolLimits } from './limits.js';
import { parseProtocolHeader } from './protocol-header.js';

export interface UpgradeRequestInput {
  method: string;
  /** "1.1" style, as `parseRequestHead` and node's `IncomingMessage.httpVersion` give it. */
  httpVersion: string;
  headers: HeaderMap;
}

export interface UpgradeRequest {
  key: string;
  /** Offered subprotocols in the client's order ([] when none). */
  protocols: string[];
  /** Offered extensions in the client's order ([] when none). */
  extensionOffers: ExtensionOffer[];
  origin: string | undefined;
  host: string;
}

export interface UpgradeRequestLimits {
  extensions?: Partial<ExtensionsLimits>;
  protocols?: Partial<ProtocolLimits>;
}

/**
 * Checks an opening handshake request against RFC 6455 §4.2.1 and answers what to reject
 * it with:
 *
 * | rule                                                     | status |
 * | -------------------------------------------------------- | ------ |
 * | method is GET                                            | 405 (with `Allow: GET`) |
 * | HTTP version at least 1.1                                | 400    |
 * | exactly one non-empty Host                               | 400    |
 * | `Upgrade` lists the token `websocket`                    | 426 (with `Upgrade: websocket`) |
 * | `Connection` lists the token `upgrade`                   | 400    |
 * | `Sec-WebSocket-Version` is exactly 13                    | 426 (with `Sec-WebSocket-Version: 13`) |
 * | `Sec-WebSocket-Key` is base64 of 16 bytes                | 400    |
 * | no body (`Content-Length` > 0 or `Transfer-Encoding`)    | 400    |
 * | `Sec-WebSocket-Protocol` / `-Extensions` parse in bounds | 400    |
 */
export function validateUpgradeRequest(
  req: UpgradeRequestInput,
  limits: UpgradeRequestLimits = {},
): Result<UpgradeRequest, HandshakeRejection> {
  if (req.method !== 'GET') {
    return err(
      rejection(405, 'BAD_METHOD', `method ${req.method} cannot open a WebSocket`, { Allow: 'GET' }),
    );
  }
  if (!isHttp11OrLater(req.httpVersion)) {
    return err(rejection(400, 'BAD_HTTP_VERSION', `HTTP/${req.httpVersion} cannot upgrade; 1.1 is required`));
  }
  const { headers } = req;
  const host = headerValue(headers, 'host');
  if (host === undefined || host === '') return err(rejection(400, 'BAD_HOST', 'Host header is missing'));
  if (!listHasToken(headerValue(headers, 'upgrade') ?? '', 'websocket')) {
    return err(rejection(426, 'BAD_UPGRADE', 'Upgrade header must name websocket', { Upgrade: 'websocket' }));
  }
  if (!listHasToken(headerValue(headers, 'connection') ?? '', 'upgrade')) {
    return err(rejection(400, 'BAD_UPGRADE', 'Connection header must include upgrade'));
  }
  if (headerValue(headers, 'sec-websocket-version') !== '13') {
    return err(
      rejection(426, 'BAD_WEBSOCKET_VERSION', 'Sec-WebSocket-Version must be 13', {
        'Sec-WebSocket-Version': '13',
      }),
    );
  }
  const key = headerValue(headers, 'sec-websocket-key');
  if (key === undefined || !isValidKey(key)) {
    return err(rejection(400, 'BAD_KEY', 'Sec-WebSocket-Key must be the base64 form of 16 bytes'));
  }
  const contentLength = headerValue(headers, 'content-length');
  if ((contentLength !== undefined && contentLength !== '0') || headers['transfer-encoding'] !== undefined) {
    return err(rejection(400, 'UNEXPECTED_BODY', 'an upgrade request cannot carry a body'));
  }

  let protocols: string[] = [];
  const protocolHeader = headerValue(headers, 'sec-websocket-protocol');
  if (protocolHeader !== undefined) {
    const parsed = parseProtocolHeader(protocolHeader, limits.protocols);
    if (!parsed.ok) return err(rejection(400, parsed.error.code, parsed.error.message));
    protocols = parsed.value;
  }
  let extensionOffers: ExtensionOffer[] = [];
  const extensionsHeader = headerValue(headers, 'sec-websocket-extensions');
  if (extensionsHeader !== undefined) {
    const parsed = parseExtensionsHeader(extensionsHeader, limits.extensions);
    if (!parsed.ok) return err(rejection(400, parsed.error.code, parsed.error.message));
    extensionOffers = parsed.value;
  }
  return ok({ key, protocols, extensionOffers, origin: headerValue(headers, 'origin'), host });
}

/** "1.1", "1.2", "2.0" → true; "1.0", "0.9", garbage → false. */
function isHttp11OrLater(version: string): boolean {
  const dot = version.indexOf('.');
  const major = Number(dot === -1 ? version : version.slice(0, dot));
  const minor = dot === -1 ? 0 : Number(version.slice(dot + 1));
  if (!Number.isInteger(major) || !Number.isInteger(minor) || version === '') return false;
  return major > 1 || (major === 1 && minor >= 1);
}
