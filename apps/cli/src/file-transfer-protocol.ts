/**
 * The small protocol `parley send` speaks and `parley receive` understands, on top of plain
 * WebSocket messages (so it passes through any relay, e.g. `parley transfer`):
 *
 * 1. text  `{"type":"file","name":"photo.jpg","size":1048576}` — a file follows;
 * 2. one binary message carrying the file's bytes (`parley send` streams it in fragments);
 *    older senders split it into several binary messages, which are appended in order;
 * 3. text  `{"type":"end","name":"photo.jpg","size":1048576,"sha256":"<64 hex>"}` — the receiver
 *    compares size and SHA-256 with what arrived and reports OK or mismatch;
 *    or text `{"type":"cancel","name":"photo.jpg","sent":98304}` — the sender gave up; the
 *    receiver discards the partial file.
 *
 * A binary message that arrives outside a header/end pair is saved as `message-N.bin`.
 */
/**
 * The largest file `parley receive` and the `transfer` relay accept (their `max_payload`):
 * a file is one message, which the facade delivers whole, so both hold it in memory.
 */
export const MAX_FILE_MESSAGE = 1024 * 1024 * 1024;

/** Most fragments per message a facade peer accepts (its default `max_fragments`). */
export const MAX_FILE_FRAGMENTS = 100_000;

export interface FileHeader {
  readonly type: 'file';
  readonly name: string;
  readonly size: number;
}

export interface FileEnd {
  readonly type: 'end';
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

export interface FileCancel {
  readonly type: 'cancel';
  readonly name: string;
  readonly sent: number;
}

export type TransferControl = FileHeader | FileEnd | FileCancel;

export function encodeControl(message: TransferControl): string {
  return JSON.stringify(message);
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Recognises a control message; anything else (not JSON, another shape) is `null` and is
 * treated as an ordinary text message.
 */
export function parseControl(text: string): TransferControl | null {
  if (!text.startsWith('{')) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  if (typeof m.name !== 'string') return null;
  if (m.type === 'file' && isSize(m.size)) return { type: 'file', name: m.name, size: m.size };
  if (m.type === 'end' && isSize(m.size) && typeof m.sha256 === 'string' && /^[0-9a-f]{64}$/.test(m.sha256)) {
    return { type: 'end', name: m.name, size: m.size, sha256: m.sha256 };
  }
  if (m.type === 'cancel' && isSize(m.sent)) return { type: 'cancel', name: m.name, sent: m.sent };
  return null;
}

/**
 * The file name to write for a name the sender chose: its last path segment, with anything
 * that could escape the output directory or hide the file refused (→ null).
 */
export function safeFileName(name: string): string | null {
  const last = name.split(/[\\/]/).pop() ?? '';
  if (last === '' || last === '.' || last === '..' || last.startsWith('.') || last.includes('\0'))
    return null;
  if (last.length > 255) return null;
  return last;
}
