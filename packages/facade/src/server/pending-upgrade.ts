import {
  buildRejectResponse,
  type HandshakeRejection,
  parseRequestHead,
  tryBuildRejectResponse,
} from '@parley/handshake';
import type { HeadLimits } from '@parley/handshake';
import type { Connection, ConnectionHandler } from '@parley/transport';
import type { PlainHttpHandler, PlainHttpResponse } from '../config/server-config.js';
import { GrowingBuffer } from '../core/growing-buffer.js';
import { serializePlainResponse } from './plain-response.js';
import {
  type NegotiationContext,
  negotiateUpgrade,
  type UpgradeHead,
  type UpgradeOutcome,
} from './negotiate-upgrade.js';

/** What a pending upgrade needs from its server. */
export interface UpgradeHost<D> extends NegotiationContext<D> {
  readonly httpHandler: PlainHttpHandler | undefined;
  /** Request head limits from the config (built once per server). */
  readonly headLimits: HeadLimits;
  /** The upgrade was accepted and the 101 written: build the session, feed `rest`. */
  upgraded(
    conn: Connection,
    head: UpgradeHead,
    outcome: UpgradeOutcome<D> & { accept: true },
    rest: Buffer,
  ): void;
  /** The pending upgrade is over (accepted, rejected or dropped). */
  settled(pending: PendingUpgrade<D>): void;
}

/** Bytes a client may send after its request head before we have answered (pipelined frames). */
const MAX_EARLY_BYTES = 64 * 1024;

const INVALID_REJECTION = buildRejectResponse({
  status: 500,
  message: 'the application answered with a status or header that cannot be sent\n',
});

const UPGRADE_REQUIRED: PlainHttpResponse = {
  status: 426,
  headers: { upgrade: 'websocket', 'content-type': 'text/plain' },
  body: 'This is a WebSocket endpoint: send an Upgrade: websocket request.\n',
};

/**
 * One connection between TCP accept (or node:http's `upgrade` event) and the 101 response.
 * In raw mode it buffers the request head (bounded by `max_head_size` / `max_headers`, 431
 * past them), answers plain HTTP requests (default 426) and rejects bad upgrades with a status;
 * in both modes the whole handshake, `validate` included, must finish within
 * `handshake_timeout` (else 408). One timer per pending handshake, cleared on settle.
 */
export class PendingUpgrade<D> implements ConnectionHandler {
  /** Bytes received and not yet consumed (a trickled head costs linear copying). */
  private readonly buffered = new GrowingBuffer();
  private head: UpgradeHead | null = null;
  private timer: ReturnType<typeof setTimeout> | null;
  private done = false;

  constructor(
    private readonly host: UpgradeHost<D>,
    readonly conn: Connection,
  ) {
    this.timer = setTimeout(onHandshakeTimeout, host.config.handshake_timeout, this);
    this.timer.unref();
  }

  /** Raw mode: read and parse the request head ourselves. */
  startRaw(): void {
    this.conn.setHandler(this);
  }

  /** Attach mode: node:http parsed the head already; `rest` is what followed it. */
  startParsed(head: UpgradeHead, rest: Buffer): void {
    this.buffered.append(rest);
    this.conn.setHandler(this);
    this.decide(head);
  }

  data(chunk: Buffer): void {
    if (this.done) return;
    this.buffered.append(chunk);
    if (this.head !== null) {
      // Waiting on validate: keep what the client pipelined, within bounds.
      if (this.buffered.length > MAX_EARLY_BYTES) this.abort();
      return;
    }
    const limits = this.host.headLimits;
    // A head can only complete, or break a limit, with a new line or past the size limit:
    // parsing only then keeps a byte-at-a-time sender from costing a full re-parse per byte.
    if (chunk.indexOf(0x0a) < 0 && this.buffered.length <= limits.maxHeadBytes) return;
    const parsed = parseRequestHead(this.buffered.bytes, limits);
    if (!parsed.ok) {
      this.respond({ status: parsed.error.status ?? 400, message: parsed.error.message });
      return;
    }
    if (!parsed.value.complete) return;
    const { method, target, httpVersion, headers, headLength } = parsed.value;
    this.buffered.skip(headLength);
    const head: UpgradeHead = { method, target, httpVersion, headers };
    if (headers.upgrade === undefined) {
      this.answerPlainHttp(head);
      return;
    }
    this.decide(head);
  }

  end(): void {
    this.settle();
  }

  /** @internal the handshake timer fired. */
  timedOut(): void {
    this.timer = null;
    if (this.done) return;
    this.respond({ status: 408, message: 'handshake timed out' });
  }

  /** Refuses with 503 (server stopping, or too many handshakes in progress). */
  refuse(message = 'server is shutting down'): void {
    if (!this.done) this.respond({ status: 503, message, headers: { 'retry-after': '1' } });
  }

  private decide(head: UpgradeHead): void {
    this.head = head;
    // The connection is the PeerInfo: its getters ask the socket only if validate reads them.
    const outcome = negotiateUpgrade(this.host, head, this.conn);
    if (outcome instanceof Promise) outcome.then((value) => this.finish(value));
    else this.finish(outcome);
  }

  private finish(outcome: UpgradeOutcome<D>): void {
    if (this.done) return;
    if (!outcome.accept) {
      this.respond(outcome.rejection);
      return;
    }
    // Capacity may have filled while an async validate ran.
    if (this.host.openSessions >= this.host.config.max_connections) {
      this.respond({ status: 503, message: 'server is at max_connections', headers: { 'retry-after': '1' } });
      return;
    }
    const rest = this.buffered.take();
    this.settle();
    this.conn.write(Buffer.from(outcome.response, 'latin1'));
    this.host.upgraded(this.conn, this.head!, outcome, rest);
  }

  private answerPlainHttp(head: UpgradeHead): void {
    this.head = head;
    const handler = this.host.httpHandler;
    if (handler === undefined) {
      this.writePlain(UPGRADE_REQUIRED);
      return;
    }
    const q = head.target.indexOf('?');
    const request = {
      method: head.method,
      path: q < 0 ? head.target : head.target.slice(0, q),
      query: new URLSearchParams(q < 0 ? '' : head.target.slice(q + 1)),
      headers: head.headers,
      remoteAddress: this.conn.remoteAddress,
    };
    Promise.resolve()
      .then(() => handler(request))
      .then(
        (response) => this.writePlain(response),
        () => this.writePlain({ status: 500, body: 'internal error\n' }),
      );
  }

  private writePlain(response: PlainHttpResponse): void {
    if (this.done) return;
    this.settle();
    this.conn.end(serializePlainResponse(response));
  }

  private respond(rejection: HandshakeRejection): void {
    if (this.done) return;
    this.settle();
    const built = tryBuildRejectResponse(rejection);
    // An application-supplied status or header that cannot be sent becomes a plain 500.
    this.conn.end(built.ok ? built.value : INVALID_REJECTION);
  }

  private abort(): void {
    this.settle();
    this.conn.destroy();
  }

  private settle(): void {
    if (this.done) return;
    this.done = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.host.settled(this);
  }
}

function onHandshakeTimeout(pending: PendingUpgrade<unknown>): void {
  pending.timedOut();
}
