/**
 * The WHATWG `WebSocket.close(code, reason)` argument rules: a code must be 1000 or in
 * 3000–4999, and the reason at most 123 bytes of UTF-8. Violations are the standard's
 * `InvalidAccessError` and `SyntaxError` DOMExceptions (thrown, as the standard says).
 */
export function checkCloseArguments(code: number | undefined, reason: string | undefined): void {
  if (code !== undefined && code !== 1000 && !(Number.isInteger(code) && code >= 3000 && code <= 4999)) {
    throw new DOMException(
      `The close code must be either 1000, or between 3000 and 4999. ${code} is neither.`,
      'InvalidAccessError',
    );
  }
  if (reason !== undefined && Buffer.byteLength(reason) > 123) {
    throw new DOMException('The close reason must not be greater than 123 UTF-8 bytes.', 'SyntaxError');
  }
}
