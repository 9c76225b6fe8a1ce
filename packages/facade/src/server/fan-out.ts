import { type MessageData, prepareMessage } from '@parley/codec';
import { canShareCompressed, MAX_SHARED_COMPRESSION, SharedCompression } from './compressed-broadcast.js';
import type { Session } from './session.js';

/** What a broadcast or publish did, counted per outcome. */
export interface FanOutReport {
  /** Sessions the message was offered to (open, not excluded). */
  readonly receivers: number;
  readonly sent: number;
  readonly queued: number;
  /** Skipped by a session's backpressure policy (`drop` or `close`). */
  readonly dropped: number;
  /** Bytes of one uncompressed frame on the wire (the same bytes go to every receiver). */
  readonly wireSize: number;
  /** Receivers that got the shared compressed frame (permessage-deflate without context takeover). */
  readonly compressed: number;
}

/** Shared compression settings: the server's deflate threshold and memLevel, or null when off. */
export interface FanOutCompression {
  readonly threshold: number;
  readonly memLevel: number;
}

export interface FanOutOptions<D> {
  /** A session (or sessions) not to send to, typically the sender. */
  readonly except?: Session<D> | Iterable<Session<D>>;
  /** Default: text for strings, binary otherwise. */
  readonly binary?: boolean;
}

function exclusionOf<D>(except: FanOutOptions<D>['except']): ((s: Session<D>) => boolean) | null {
  if (except === undefined) return null;
  if (typeof (except as Iterable<Session<D>>)[Symbol.iterator] === 'function') {
    const set = new Set(except as Iterable<Session<D>>);
    return (s) => set.has(s);
  }
  return (s) => s === except;
}

/**
 * Encodes `data` once (`prepareMessage`) and writes the same frame bytes to every receiver;
 * receivers whose permessage-deflate session has no server context takeover share one
 * compressed frame instead.
 * Each receiver's own backpressure policy decides per receiver, so a slow one cannot stall
 * the others.
 */
export function fanOut<D>(
  receivers: Iterable<Session<D>>,
  data: MessageData,
  options: FanOutOptions<D> = {},
  compression: FanOutCompression | null = null,
): FanOutReport {
  const binary = options.binary ?? typeof data !== 'string';
  const prepared = prepareMessage(data, { binary });
  const size = prepared.payloadSize;
  const shared =
    compression !== null && size >= compression.threshold && size <= MAX_SHARED_COMPRESSION
      ? new SharedCompression(prepared.payload, binary, compression.memLevel)
      : null;
  const excluded = exclusionOf(options.except);
  let count = 0;
  let sent = 0;
  let queued = 0;
  let dropped = 0;
  let compressedCount = 0;
  for (const session of receivers) {
    if (session.core.readyState !== 1 || excluded?.(session)) continue;
    count++;
    const deflate = session.deflateParams;
    const compressed = shared !== null && canShareCompressed(deflate) ? shared.forReceiver(deflate) : null;
    if (compressed !== null) compressedCount++;
    const result = session.core.sendPrepared(compressed ?? prepared, size);
    if (!result.ok) {
      dropped++;
      continue;
    }
    const outcome = result.value.outcome;
    if (outcome === 'sent') sent++;
    else if (outcome === 'queued') queued++;
    else dropped++;
  }
  return {
    receivers: count,
    sent,
    queued,
    dropped,
    wireSize: prepared.wireSize,
    compressed: compressedCount,
  };
}
