import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';

/** What undici hands us as a response body: a readable we either read or discard. */
type Body = Readable;

/** Content codings we can decode (RFC 9110 §8.4.1); `deflate` is zlib-wrapped, as servers send it. */
export const ACCEPTED_ENCODINGS = 'gzip, deflate, br';

export type BodyOutcome =
  | { kind: 'ok'; body: Buffer }
  | { kind: 'too-large' }
  | { kind: 'bad-encoding'; cause: unknown };

function ignore(): void {}

/** Drops a body we will not read; undici reports the destroy as an error nobody needs. */
export function discard(body: Body): void {
  body.on('error', ignore);
  body.destroy();
}

function decoderFor(encoding: string): zlib.Gunzip | zlib.Unzip | zlib.BrotliDecompress | null {
  switch (encoding.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
    case 'deflate':
      return zlib.createUnzip(); // detects gzip and zlib headers
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}

/** Reads at most `limit` bytes from `source`; `too-large` as soon as it goes past. */
async function collect(
  source: AsyncIterable<Buffer>,
  limit: number,
  onTooLarge: () => void,
): Promise<BodyOutcome> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > limit) {
      onTooLarge();
      return { kind: 'too-large' };
    }
    chunks.push(chunk);
  }
  return { kind: 'ok', body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) };
}

/**
 * Buffers a response body of at most `limit` bytes. With `decode`, a gzip / deflate / br body
 * is decompressed and the limit applies to the decompressed bytes, so a small compressed body
 * cannot expand past it (a "zip bomb" stops at `limit`).
 */
export async function readBody(
  body: Body,
  contentEncoding: string | undefined,
  decode: boolean,
  limit: number,
): Promise<BodyOutcome> {
  const decoder = decode && contentEncoding !== undefined ? decoderFor(contentEncoding) : null;
  if (decoder === null) return collect(body, limit, () => discard(body));
  body.on('error', (error) => decoder.destroy(error));
  body.pipe(decoder);
  try {
    return await collect(decoder, limit, () => {
      discard(body);
      decoder.destroy();
    });
  } catch (cause) {
    discard(body);
    if (nodeCode(cause)?.startsWith('Z_') || nodeCode(cause) === 'ERR_BROTLI_DECOMPRESSION_FAILED') {
      return { kind: 'bad-encoding', cause };
    }
    throw cause;
  }
}

function nodeCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
