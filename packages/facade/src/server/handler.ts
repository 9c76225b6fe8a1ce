import type { ParleyError } from '@parley/codec';
import type { z } from 'zod';
import type { CloseDetails } from '../core/types.js';
import type { Session } from './session.js';
import { parseTypedMessage, type TypedMessageIssue } from './typed-messages.js';

export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

/** What the `validate` hook sees of an upgrade request (websocketpp's `validate`). */
export interface UpgradeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: HeaderMap;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly secure: boolean;
  /** Subprotocols the client offered, in its order. */
  readonly protocols: readonly string[];
  readonly origin: string | undefined;
}

/** Accept: optionally pick the subprotocol, add response headers and attach per-session data. */
export interface AcceptDecision<D> {
  readonly accept: true;
  /** Overrides the negotiated subprotocol (`null` = none). Must be one the client offered. */
  readonly protocol?: string | null;
  readonly headers?: Record<string, string>;
  readonly data?: D;
}

/** Reject with an HTTP status, headers and body (the client sees them as the response). */
export interface RejectDecision {
  readonly accept: false;
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** `undefined`/`true` accept as negotiated, `false` rejects with 403. */
export type ValidateResult<D> = AcceptDecision<D> | RejectDecision | boolean | undefined;

/**
 * A handler object (websocketpp style). Give one to `createServer` or per path with
 * `server.route(path, handler)`; `session.setHandler(other)` moves a live session to another.
 */
export interface SessionHandler<D = unknown> {
  validate?(request: UpgradeRequest): ValidateResult<D> | Promise<ValidateResult<D>>;
  open?(session: Session<D>): void;
  /** Called on the new handler when `session.setHandler(this)` hands a live session over. */
  enter?(session: Session<D>, previous: SessionHandler<D>): void;
  message?(session: Session<D>, data: string | Buffer, binary: boolean): void;
  close?(session: Session<D>, details: CloseDetails): void;
  ping?(session: Session<D>, payload: Buffer): void;
  pong?(session: Session<D>, payload: Buffer): void;
  error?(session: Session<D>, error: ParleyError): void;
}

export interface TypedHandler<T, D> extends Omit<SessionHandler<D>, 'message'> {
  /** A message that parsed as JSON and matched the schema. */
  message(session: Session<D>, value: T): void;
  /** A message that was not JSON or failed the schema; the session stays open unless you close it. */
  invalid?(session: Session<D>, issues: readonly TypedMessageIssue[], raw: string | Buffer): void;
}

/**
 * Typed messages: wraps a handler so `message` receives values parsed by `schema`.
 * ```ts
 * const Chat = z.object({ type: z.literal('say'), text: z.string() });
 * createServer(config, withSchema(Chat, { message(session, msg) { msg.text }, invalid(s, issues) {} }));
 * ```
 */
export function withSchema<S extends z.ZodType, D = unknown>(
  schema: S,
  handler: TypedHandler<z.output<S>, D>,
): SessionHandler<D> {
  const { message, invalid, ...rest } = handler;
  return {
    ...rest,
    message(session, data) {
      const outcome = parseTypedMessage(schema, data);
      if (outcome.ok) message.call(handler, session, outcome.value);
      else invalid?.call(handler, session, outcome.issues, data);
    },
  };
}
