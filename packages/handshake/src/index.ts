// Public API of @parley/handshake: the pure WebSocket opening handshake (RFC 6455 §4,
// RFC 7692 §5/§7 negotiation). No I/O: bytes and values in, bytes and Result values out.
export const PACKAGE_NAME = '@parley/handshake';

export { isSafeFieldValue, isToken } from './chars.js';
export { buildClientRequest } from './client-request.js';
export type { ClientRequest, ClientRequestOptions } from './client-request.js';
export { formatPerMessageDeflateOffer, validateDeflateResponse } from './deflate-client.js';
export type { PerMessageDeflateOffer } from './deflate-client.js';
export { PERMESSAGE_DEFLATE, parseWindowBits } from './deflate-offer-params.js';
export type { PerMessageDeflateParams } from './deflate-params.js';
export { negotiatePerMessageDeflate } from './deflate-server.js';
export type { PerMessageDeflateAgreement, PerMessageDeflateServerOptions } from './deflate-server.js';
export { handshakeError } from './errors.js';
export type { HandshakeError, HandshakeErrorCode, HandshakeRejection } from './errors.js';
export {
  formatExtension,
  formatExtensions,
  isValidExtension,
  parseExtensionsHeader,
} from './extensions-header.js';
export type { ExtensionOffer, ExtensionParam } from './extensions-header.js';
export {
  ACCEPT_RESERVED_HEADERS,
  CLIENT_RESERVED_HEADERS,
  REJECT_RESERVED_HEADERS,
  validateHeaders,
} from './extra-headers.js';
export { headerValue, listHasToken } from './header-map.js';
export type { HeaderMap } from './header-map.js';
export { computeAccept, generateKey, isValidKey, WEBSOCKET_GUID } from './key.js';
export {
  DEFAULT_EXTENSIONS_LIMITS,
  DEFAULT_HEAD_LIMITS,
  DEFAULT_PROTOCOL_LIMITS,
  MAX_ERROR_BODY_BYTES,
} from './limits.js';
export type { ExtensionsLimits, HeadLimits, ProtocolLimits } from './limits.js';
export { formatProtocols, parseProtocolHeader } from './protocol-header.js';
export { parseRequestHead } from './request-head.js';
export type { RequestHead, RequestHeadProgress } from './request-head.js';
export {
  buildAcceptResponse,
  buildRejectResponse,
  tryBuildAcceptResponse,
  tryBuildRejectResponse,
} from './responses.js';
export type { AcceptResponseOptions } from './responses.js';
export { parseResponseHead } from './response-head.js';
export type { ResponseHead, ResponseHeadProgress } from './response-head.js';
export { validateServerResponse } from './server-response.js';
export type { AcceptedHandshake, ServerResponseExpectation, ServerResponseInput } from './server-response.js';
export { reasonPhrase } from './status-reasons.js';
export { negotiateSubprotocol } from './subprotocol.js';
export type { SubprotocolSelector } from './subprotocol.js';
export { validateUpgradeRequest } from './upgrade-request.js';
export type { UpgradeRequest, UpgradeRequestInput, UpgradeRequestLimits } from './upgrade-request.js';
