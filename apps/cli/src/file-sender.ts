import { type Client, err, ok, type ParleyError, type Result } from '@parley/facade';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { waitForBuffered } from './client-flush.js';
import { encodeControl } from './file-transfer-protocol.js';

/** IXWebSocket's fragment size: 32 KiB. */
export const DEFAULT_FRAGMENT_SIZE = 32 * 1024;
/** Largest fragment accepted: two of them stay well under the client's 4 MiB max_buffered. */
export const MAX_FRAGMENT_SIZE = 1024 * 1024;
/** Fragments are not handed to the client while it still buffers more than this. */
const PACING_LIMIT = 1024 * 1024;

export interface SendProgress {
  /** 1-based number of the fragment just handed to the connection. */
  readonly step: number;
  readonly steps: number;
  readonly sent: number;
  readonly total: number;
  readonly elapsedMs: number;
}

export interface SendFileOptions {
  /** An open client; the caller closes it afterwards. */
  readonly client: Client;
  readonly path: string;
  /** Name announced to the receiver (default: the file's base name). */
  readonly name?: string;
  readonly fragmentSize?: number;
  /** Pause between fragments (to watch progress or limit bandwidth). */
  readonly throttleMs?: number;
  /** Called after every fragment; returning `false` cancels the transfer. */
  readonly onProgress?: (progress: SendProgress) => unknown;
  /** Aborting cancels the transfer before the next fragment (Ctrl-C). */
  readonly signal?: AbortSignal;
}

export interface SendFileReport {
  readonly name: string;
  /** False when cancelled: a `cancel` control message was sent instead of `end`. */
  readonly completed: boolean;
  readonly steps: number;
  readonly stepsSent: number;
  /** File bytes handed to the connection. */
  readonly payloadSize: number;
  /** Frame bytes (headers included) of those fragments, as reported by the facade. */
  readonly wireSize: number;
  /** True when some fragment was still waiting on zlib, so `wireSize` is a lower bound. */
  readonly wireSizePending: boolean;
  readonly sha256: string | null;
  readonly elapsedMs: number;
}

type SendFailure = ParleyError<string>;

/** Read through a call so TypeScript does not keep a narrowing of `aborted` across awaits. */
function cancelled(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/**
 * Streams a file to the peer as the header / fragments / end sequence of
 * file-transfer-protocol.ts: one binary message per fragment, read from disk one fragment at
 * a time (memory stays bounded for any file size) and paced by the client's buffer.
 */
export async function sendFile(options: SendFileOptions): Promise<Result<SendFileReport, SendFailure>> {
  const { client } = options;
  const fragmentSize = options.fragmentSize ?? DEFAULT_FRAGMENT_SIZE;
  const name = options.name ?? basename(options.path);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(options.path, 'r');
  } catch (error) {
    return err({
      code: 'FILE_UNREADABLE',
      message: `cannot open ${options.path}: ${(error as Error).message}`,
    });
  }
  try {
    const total = (await handle.stat()).size;
    const steps = Math.ceil(total / fragmentSize);
    const started = performance.now();
    const hash = createHash('sha256');
    const header = client.send(encodeControl({ type: 'file', name, size: total }));
    if (!header.ok) return err(header.error);
    let sent = 0;
    let wireSize = 0;
    let wireSizePending = false;
    for (let step = 1; step <= steps; step++) {
      if (cancelled(options.signal)) {
        return cancel(
          client,
          { name, steps, stepsSent: step - 1, payloadSize: sent, wireSize, wireSizePending },
          started,
        );
      }
      await waitForBuffered(client, PACING_LIMIT);
      const fragment = Buffer.allocUnsafe(Math.min(fragmentSize, total - sent));
      const { bytesRead } = await handle.read(fragment, 0, fragment.length, sent);
      if (bytesRead !== fragment.length) {
        return err({ code: 'FILE_CHANGED', message: `${options.path} shrank while being sent` });
      }
      hash.update(fragment);
      const result = client.send(fragment, { binary: true });
      if (!result.ok) return err(result.error);
      sent += fragment.length;
      wireSize += result.value.wireSize;
      wireSizePending ||= result.value.pending;
      const progress = { step, steps, sent, total, elapsedMs: performance.now() - started };
      if (options.onProgress?.(progress) === false || cancelled(options.signal)) {
        return cancel(
          client,
          { name, steps, stepsSent: step, payloadSize: sent, wireSize, wireSizePending },
          started,
        );
      }
      if ((options.throttleMs ?? 0) > 0) await sleep(options.throttleMs);
      else await nextTurn();
    }
    const sha256 = hash.digest('hex');
    const end = client.send(encodeControl({ type: 'end', name, size: total, sha256 }));
    if (!end.ok) return err(end.error);
    return ok({
      name,
      completed: true,
      steps,
      stepsSent: steps,
      payloadSize: sent,
      wireSize,
      wireSizePending,
      sha256,
      elapsedMs: performance.now() - started,
    });
  } finally {
    await handle.close();
  }
}

/** Tells the receiver to discard what it got; the transfer ends with `completed: false`. */
function cancel(
  client: Client,
  partial: Omit<SendFileReport, 'completed' | 'sha256' | 'elapsedMs'>,
  started: number,
): Result<SendFileReport, SendFailure> {
  const notice = client.send(
    encodeControl({ type: 'cancel', name: partial.name, sent: partial.payloadSize }),
  );
  if (!notice.ok) return err(notice.error);
  return ok({ ...partial, completed: false, sha256: null, elapsedMs: performance.now() - started });
}
