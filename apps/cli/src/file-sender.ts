import { type Client, err, ok, type ParleyError, type Result } from '@parley/facade';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DrainGate } from './drain-gate.js';
import { encodeControl, MAX_FILE_FRAGMENTS, MAX_FILE_MESSAGE } from './file-transfer-protocol.js';

/** IXWebSocket's fragment size: 32 KiB. */
export const DEFAULT_FRAGMENT_SIZE = 32 * 1024;
/** Largest fragment accepted: two of them stay well under the client's 4 MiB max_buffered. */
export const MAX_FRAGMENT_SIZE = 1024 * 1024;
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
  /** Frame bytes (headers included) of those fragments: payload plus one header per fragment. */
  readonly wireSize: number;
  readonly sha256: string | null;
  readonly elapsedMs: number;
}

type SendFailure = ParleyError<string>;
/** The facade client's message stream (its type is not exported by name). */
type MessageStream = Extract<ReturnType<Client['sendStream']>, { ok: true }>['value'];

/** Read through a call so TypeScript does not keep a narrowing of `aborted` across awaits. */
function cancelled(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/**
 * Sends a file as the header / one binary message / end sequence of
 * file-transfer-protocol.ts. The message is a client stream (`sendStream`): one WebSocket
 * fragment per `fragmentSize` bytes, read from disk in blocks of about 1 MiB (memory stays
 * bounded for any file size) and written only while the connection is below its high-water
 * mark — after a `highWater` the next fragment waits for `drain`.
 *
 * Cancelling (Ctrl-C via `signal`, or `onProgress` returning false) ends the message early —
 * the peer gets a complete but short binary message — and then sends the `cancel` notice, so
 * a receiver behind a relay learns of it. (The stream's own cancel would close the connection
 * with the message unfinished: a relay forwards nothing of it, and the notice could not
 * follow.) The connection stays open; the caller closes it.
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
  const gate = new DrainGate(client);
  try {
    const total = (await handle.stat()).size;
    const steps = Math.ceil(total / fragmentSize);
    // Refused here rather than by the relay/receiver with a close 1009 mid-message.
    if (total > MAX_FILE_MESSAGE) {
      return err({
        code: 'FILE_TOO_LARGE',
        message: `${options.path} is ${total} bytes; a file is one message of at most ${MAX_FILE_MESSAGE}`,
      });
    }
    if (steps > MAX_FILE_FRAGMENTS) {
      return err({
        code: 'TOO_MANY_FRAGMENTS',
        message: `${steps} fragments of ${fragmentSize} bytes; receivers accept at most ${MAX_FILE_FRAGMENTS} per message (raise --fragment-size)`,
      });
    }
    const started = performance.now();
    const hash = createHash('sha256');
    const header = client.send(encodeControl({ type: 'file', name, size: total }));
    if (!header.ok) return err(header.error);
    // An empty file is announced and ended with no binary message in between.
    const opened = total === 0 ? null : client.sendStream({ binary: true, total });
    if (opened !== null && !opened.ok) return err(opened.error);
    const stream = opened?.value ?? null;
    const finish = (completed: boolean, stepsSent: number) =>
      ({
        name,
        completed,
        steps,
        stepsSent,
        payloadSize: stream?.sent ?? 0,
        wireSize: stream?.wireSize ?? 0,
        sha256: null,
        elapsedMs: performance.now() - started,
      }) satisfies SendFileReport;
    // Fragments are views of blocks of about READ_BLOCK bytes: one disk read per block, not
    // per fragment. The codec may keep a reference to a view it was given, so every block is
    // a fresh buffer that is never written again.
    const blockSize = fragmentSize * Math.max(1, Math.floor(READ_BLOCK / fragmentSize));
    let block = Buffer.alloc(0);
    let blockOffset = 0;
    let offset = 0;
    for (let step = 1; stream !== null && step <= steps; step++) {
      await gate.ready(options.signal);
      if (cancelled(options.signal)) return cancel(client, stream, finish(false, step - 1));
      if (blockOffset === block.length) {
        block = Buffer.allocUnsafe(Math.min(blockSize, total - offset));
        const { bytesRead } = await handle.read(block, 0, block.length, offset);
        if (bytesRead !== block.length) {
          stream.end();
          return err({ code: 'FILE_CHANGED', message: `${options.path} shrank while being sent` });
        }
        blockOffset = 0;
        if (cancelled(options.signal)) return cancel(client, stream, finish(false, step - 1));
      }
      const fragment = block.subarray(blockOffset, Math.min(blockOffset + fragmentSize, block.length));
      blockOffset += fragment.length;
      offset += fragment.length;
      hash.update(fragment);
      const written = step === steps ? stream.end(fragment) : stream.write(fragment);
      if (!written.ok) return err(written.error);
      const progress = { step, steps, sent: offset, total, elapsedMs: performance.now() - started };
      const goOn = options.onProgress?.(progress) !== false && !cancelled(options.signal);
      if (!goOn && step < steps) return cancel(client, stream, finish(false, step));
      if (throttleMs > 0 && step < steps) await sleep(throttleMs);
    }
    const sha256 = hash.digest('hex');
    const end = client.send(encodeControl({ type: 'end', name, size: total, sha256 }));
    if (!end.ok) return err(end.error);
    return ok({ ...finish(true, steps), sha256 });
  } finally {
    gate.dispose();
    await handle.close();
  }
}

/**
 * Ends the message where it is and tells the receiver to discard it; the transfer ends with
 * `completed: false`.
 */
function cancel(
  client: Client,
  stream: MessageStream,
  report: SendFileReport,
): Result<SendFileReport, SendFailure> {
  const ended = stream.end();
  if (!ended.ok) return err(ended.error);
  const notice = client.send(encodeControl({ type: 'cancel', name: report.name, sent: report.payloadSize }));
  if (!notice.ok) return err(notice.error);
  return ok({ ...report, wireSize: stream.wireSize });
}
