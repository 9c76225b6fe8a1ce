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
/** Bytes read from disk at a time (rounded down to whole fragments). */
const READ_BLOCK = 1024 * 1024;

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
  const throttleMs = options.throttleMs ?? 0;
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
    // Fragments are views of blocks of about READ_BLOCK bytes: one disk read and one event-loop
    // turn per block, not per fragment. The codec may keep a reference to a view it was given,
    // so every block is a fresh buffer that is never written again.
    const blockSize = fragmentSize * Math.max(1, Math.floor(READ_BLOCK / fragmentSize));
    let block = Buffer.alloc(0);
    let blockOffset = 0;
    for (let step = 1; step <= steps; step++) {
      if (cancelled(options.signal)) {
        return cancel(
          client,
          { name, steps, stepsSent: step - 1, payloadSize: sent, wireSize, wireSizePending },
          started,
        );
      }
      if (blockOffset === block.length) {
        // A new disk block: let the socket flush and Ctrl-C arrive, then read ahead.
        if (step > 1 && throttleMs === 0) await nextTurn();
        block = Buffer.allocUnsafe(Math.min(blockSize, total - sent));
        const { bytesRead } = await handle.read(block, 0, block.length, sent);
        if (bytesRead !== block.length) {
          return err({ code: 'FILE_CHANGED', message: `${options.path} shrank while being sent` });
        }
        blockOffset = 0;
      }
      await waitForBuffered(client, PACING_LIMIT);
      const fragment = block.subarray(blockOffset, Math.min(blockOffset + fragmentSize, block.length));
      blockOffset += fragment.length;
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
      if (throttleMs > 0) await sleep(throttleMs);
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
