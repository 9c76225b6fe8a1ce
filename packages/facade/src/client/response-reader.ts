import { parseResponseHead } from '@parley/handshake';
import type { Connection, ConnectionHandler, TransportError } from '@parley/transport';
import { GrowingBuffer } from '../core/growing-buffer.js';
import { err, ok, type Result } from '../result.js';
import { type AttemptFailure, attemptFailure } from './client-error.js';
import { failureFromTransport } from './transport-failure.js';

export type HeaderMap = Record<string, string | string[] | undefined>;

export interface ResponseHead {
  readonly status: number;
  readonly reason: string;
  readonly headers: HeaderMap;
}

/** Largest response head we read before giving up: garbage or an unbounded header block. */
export const MAX_RESPONSE_HEAD_BYTES = 16 * 1024;
/** Largest body of a refused upgrade we keep for the error value. */
export const MAX_REFUSAL_BODY_BYTES = 16 * 1024;

/**
 * Reads the HTTP response (of an upgrade or a proxy CONNECT) from a connection during the
 * handshake: it owns the connection's handler until the session takes over, buffers every
 * byte (in storage that grows by doubling, so a head trickling in a byte per packet is not
 * re-copied whole per packet), reads the head with a hard size bound, and hands the bytes
 * that followed the head (the first WebSocket frames) to whoever continues.
 */
export class ResponseReader implements ConnectionHandler {
  readonly #where: string;
  readonly #buffered = new GrowingBuffer();
  #ended = false;
  #endError: TransportError | undefined;
  #wake: (() => void) | null = null;

  constructor(connection: Connection, where: string) {
    this.#where = where;
    connection.setHandler(this);
  }

  data(chunk: Buffer): void {
    this.#buffered.append(chunk);
    this.#notify();
  }

  end(error?: TransportError): void {
    this.#ended = true;
    this.#endError = error;
    this.#notify();
  }

  /** Waits for a complete response head (bounded by MAX_RESPONSE_HEAD_BYTES and `signal`). */
  async readHead(signal: AbortSignal): Promise<Result<ResponseHead, AttemptFailure>> {
    for (;;) {
      if (this.#buffered.length > 0) {
        const buffered = this.#buffered.bytes;
        const parsed = parseResponseHead(buffered.subarray(0, MAX_RESPONSE_HEAD_BYTES));
        if (!parsed.ok) {
          return err(
            attemptFailure('HANDSHAKE_FAILED', `handshake: invalid HTTP response: ${parsed.error.message}`),
          );
        }
        if (parsed.value.complete) {
          const { status, reason, headers, headLength } = parsed.value;
          this.#buffered.skip(headLength);
          return ok({ status, reason, headers });
        }
        if (buffered.length >= MAX_RESPONSE_HEAD_BYTES) {
          return err(
            attemptFailure(
              'HANDSHAKE_FAILED',
              `handshake: response head exceeds ${MAX_RESPONSE_HEAD_BYTES} bytes without ending`,
            ),
          );
        }
      }
      if (this.#ended) return err(this.#closedEarly('before the response head was complete'));
      if (signal.aborted) return err(timeoutFailure(this.#where));
      await this.#next(signal);
    }
  }

  /**
   * Reads the body of a refused upgrade for the error value: up to Content-Length (or the end
   * of a chunked body), bounded by the size limit, the end of the connection and the
   * deadline. A body of unknown length (neither header) is taken as far as it has already
   * arrived: waiting for the server to close could take until the deadline. Never fails.
   */
  async readBody(head: ResponseHead, signal: AbortSignal): Promise<Buffer> {
    const declared = Number(head.headers['content-length']);
    const chunked = String(head.headers['transfer-encoding'] ?? '')
      .toLowerCase()
      .includes('chunked');
    const known = Number.isFinite(declared) && declared >= 0;
    const wanted = known ? Math.min(declared, MAX_REFUSAL_BODY_BYTES) : MAX_REFUSAL_BODY_BYTES;
    if (known || chunked) {
      while (this.#buffered.length < wanted && !this.#ended && !signal.aborted) {
        if (chunked && this.#buffered.bytes.includes('\r\n0\r\n\r\n')) break;
        await this.#next(signal);
      }
    }
    const raw = this.#buffered.bytes.subarray(0, wanted);
    return chunked ? decodeChunked(raw) : raw;
  }

  /** The bytes received after what was read so far (the first frames after a 101). */
  takeRest(): Buffer {
    return this.#buffered.take();
  }

  get ended(): boolean {
    return this.#ended;
  }

  #closedEarly(when: string): AttemptFailure {
    if (this.#endError !== undefined) {
      const failure = failureFromTransport(this.#endError);
      return { ...failure, message: `handshake: ${failure.message} ${when}` };
    }
    return attemptFailure('HANDSHAKE_FAILED', `handshake: the server closed the connection ${when}`);
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #next(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const onAbort = (): void => this.#notify();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
    });
  }
}

export function timeoutFailure(where: string): AttemptFailure {
  return attemptFailure('HANDSHAKE_TIMEOUT', `handshake timeout: no complete answer from ${where}`);
}

/** Best-effort chunked decoding of a (bounded, maybe truncated) refusal body. */
function decodeChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < raw.length) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(raw.toString('latin1', offset, lineEnd), 16);
    if (!Number.isFinite(size) || size <= 0) break;
    const start = lineEnd + 2;
    parts.push(raw.subarray(start, Math.min(start + size, raw.length)));
    offset = start + size + 2;
  }
  return Buffer.concat(parts);
}
