import type { PerMessageDeflateParams } from '@parley/codec';
import {
  type HandshakeRejection,
  negotiatePerMessageDeflate,
  negotiateSubprotocol,
  type PerMessageDeflateServerOptions,
  tryBuildAcceptResponse,
  validateUpgradeRequest,
} from '@parley/handshake';
import type { ResolvedServerConfig } from '../config/server-config.js';
import type { HeaderMap, SessionHandler, UpgradeRequest, ValidateResult } from './handler.js';

/** The request head as either parser (ours or node:http's) produced it. */
export interface UpgradeHead {
  readonly method: string;
  readonly target: string;
  readonly httpVersion: string;
  readonly headers: HeaderMap;
}

export interface PeerInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly secure: boolean;
}

export interface AcceptedUpgrade<D> {
  readonly accept: true;
  /** The 101 response head to write. */
  readonly response: string;
  readonly protocol: string | null;
  readonly extensions: string;
  readonly deflate: PerMessageDeflateParams | null;
  readonly handler: SessionHandler<D>;
  readonly data: D | undefined;
}

export interface RejectedUpgrade {
  readonly accept: false;
  readonly rejection: HandshakeRejection;
}

export type UpgradeOutcome<D> = AcceptedUpgrade<D> | RejectedUpgrade;

/** What negotiation needs from the server, kept narrow so it can be tested alone. */
export interface NegotiationContext<D> {
  readonly config: ResolvedServerConfig;
  handlerFor(path: string): SessionHandler<D> | undefined;
  readonly openSessions: number;
}

export function reject(status: number, message: string, headers?: Record<string, string>): RejectedUpgrade {
  return {
    accept: false,
    rejection: headers === undefined ? { status, message } : { status, message, headers },
  };
}

function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

/**
 * Decides one upgrade request: route (404), capacity (503), RFC 6455 §4.2.1 checks (400/426),
 * origin (403), subprotocol, permessage-deflate (400 on a malformed offer), then the
 * application's `validate` hook. Synchronous unless `validate` returns a promise.
 */
export function negotiateUpgrade<D>(
  context: NegotiationContext<D>,
  head: UpgradeHead,
  peer: PeerInfo,
): UpgradeOutcome<D> | Promise<UpgradeOutcome<D>> {
  const config = context.config;
  const path = pathOf(head.target);
  const handler = context.handlerFor(path);
  if (handler === undefined) return reject(404, `no WebSocket endpoint at ${path}`);
  if (context.openSessions >= config.max_connections) {
    return reject(503, 'server is at max_connections', { 'retry-after': '1' });
  }
  const checked = validateUpgradeRequest(head);
  if (!checked.ok) return { accept: false, rejection: checked.error };
  const { key, protocols, extensionOffers, origin } = checked.value;
  if (config.allowed_origins !== null && (origin === undefined || !config.allowed_origins.includes(origin))) {
    return reject(403, `origin ${origin ?? '(none)'} is not allowed`);
  }
  const protocol = protocols.length > 0 ? negotiateSubprotocol(protocols, config.subprotocols) : null;
  const deflate = negotiatePerMessageDeflate(extensionOffers, deflateServerOptions(config));
  if (!deflate.ok) return { accept: false, rejection: deflate.error };
  const negotiated: Negotiated<D> = {
    key,
    protocol,
    protocols,
    deflate: deflate.value?.params ?? null,
    extensions: deflate.value?.responseHeader ?? '',
    handler,
  };
  if (handler.validate === undefined) return acceptWith(negotiated, undefined);
  const request: UpgradeRequest = {
    method: head.method,
    path,
    query: new URLSearchParams(head.target.slice(path.length + 1)),
    headers: head.headers,
    remoteAddress: peer.remoteAddress,
    remotePort: peer.remotePort,
    secure: peer.secure,
    protocols,
    origin,
  };
  const verdict = handler.validate(request);
  if (verdict instanceof Promise) return verdict.then((value) => decide(negotiated, value), validateFailed);
  return decide(negotiated, verdict);
}

interface Negotiated<D> {
  readonly key: string;
  readonly protocol: string | null;
  readonly protocols: readonly string[];
  readonly deflate: PerMessageDeflateParams | null;
  readonly extensions: string;
  readonly handler: SessionHandler<D>;
}

/** Config (snake_case) → handshake's negotiation options; 15 means "no limit" for the client window. */
function deflateServerOptions(config: ResolvedServerConfig): PerMessageDeflateServerOptions | false {
  const options = config.per_message_deflate;
  if (options === false) return false;
  return {
    serverNoContextTakeover: options.server_no_context_takeover,
    clientNoContextTakeover: options.client_no_context_takeover,
    serverMaxWindowBits: options.server_max_window_bits,
    ...(options.client_max_window_bits < 15 ? { clientMaxWindowBits: options.client_max_window_bits } : {}),
    threshold: options.threshold,
  };
}

function validateFailed(cause: unknown): RejectedUpgrade {
  const message = cause instanceof Error ? cause.message : String(cause);
  return reject(500, `validate failed: ${message}`);
}

function decide<D>(negotiated: Negotiated<D>, verdict: ValidateResult<D>): UpgradeOutcome<D> {
  if (verdict === undefined || verdict === true) return acceptWith(negotiated, undefined);
  if (verdict === false) return reject(403, 'rejected by validate');
  if (!verdict.accept) {
    const rejection: HandshakeRejection = {
      status: verdict.status,
      message: verdict.body ?? `rejected with ${verdict.status}`,
      ...(verdict.headers === undefined ? {} : { headers: verdict.headers }),
      ...(verdict.body === undefined ? {} : { body: verdict.body }),
    };
    return { accept: false, rejection };
  }
  let protocol = negotiated.protocol;
  if (verdict.protocol !== undefined) {
    if (verdict.protocol !== null && !negotiated.protocols.includes(verdict.protocol)) {
      return reject(500, `validate chose subprotocol ${verdict.protocol}, which the client did not offer`);
    }
    protocol = verdict.protocol;
  }
  return acceptWith({ ...negotiated, protocol }, verdict.data, verdict.headers);
}

function acceptWith<D>(
  negotiated: Negotiated<D>,
  data: D | undefined,
  headers?: Record<string, string>,
): UpgradeOutcome<D> {
  const response = tryBuildAcceptResponse({
    key: negotiated.key,
    protocol: negotiated.protocol,
    extensions: negotiated.extensions, // '' = none
    headers,
  });
  // Only application-supplied values (headers, a chosen protocol) can make this fail.
  if (!response.ok) return reject(500, `cannot accept: ${response.error.message}`);
  return {
    accept: true,
    response: response.value,
    protocol: negotiated.protocol,
    extensions: negotiated.extensions,
    deflate: negotiated.deflate,
    handler: negotiated.handler,
    data,
  };
}
