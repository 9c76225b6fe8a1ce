import type { IncomingMessage } from 'node:http';
import { err, ok, type Result } from '@parley/codec';
import { DEFAULT_MAX_REQUEST_BODY_SIZE } from '../defaults.js';
import { type HttpError, httpError } from '../http-error.js';

/**
 * Reads a request body of at most `maxBytes` for a route handler. Beyond it the request is
 * drained no further and the result is `BODY_TOO_LARGE` (answer 413 and close); a client that
 * goes away mid-body is `ECONNRESET`.
 */
export function readRequestBody(
  req: IncomingMessage,
  maxBytes: number = DEFAULT_MAX_REQUEST_BODY_SIZE,
): Promise<Result<Buffer, HttpError>> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.resolve(
      err(httpError('BODY_TOO_LARGE', `request body of ${declared} bytes exceeds ${maxBytes}`)),
    );
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Result<Buffer, HttpError>): void => {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      req.removeListener('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        finish(err(httpError('BODY_TOO_LARGE', `request body exceeds ${maxBytes} bytes`)));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish(ok(Buffer.concat(chunks, size)));
    const onError = (cause: Error): void =>
      finish(err(httpError('ECONNRESET', 'request body aborted', cause)));
    const onClose = (): void => {
      if (!req.complete) finish(err(httpError('ECONNRESET', 'client closed before the body was complete')));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
