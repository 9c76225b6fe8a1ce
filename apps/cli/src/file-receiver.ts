import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type FileEnd, type FileHeader, parseControl, safeFileName } from './file-transfer-protocol.js';

/** A file began, or what became of one announced file or one unannounced binary message. */
export type ReceiveOutcome =
  | { readonly kind: 'started'; readonly name: string; readonly expectedSize: number }
  | {
      readonly kind: 'file';
      /** `ok`: size and SHA-256 match the sender's; `mismatch`: kept as `<name>.part`. */
      readonly status: 'ok' | 'mismatch';
      readonly name: string;
      readonly path: string;
      readonly size: number;
      readonly expectedSize: number;
      readonly sha256: string;
      readonly expectedSha256: string;
    }
  | {
      /** Cancelled by the sender, superseded by another header or cut by the connection: discarded. */
      readonly kind: 'incomplete';
      readonly name: string;
      readonly received: number;
      readonly expectedSize: number;
      readonly reason: string;
    }
  | { readonly kind: 'message'; readonly path: string; readonly size: number; readonly sha256: string }
  | { readonly kind: 'refused'; readonly name: string; readonly reason: string };

interface PendingFile {
  readonly header: FileHeader;
  readonly name: string;
  readonly partPath: string;
  readonly fd: number;
  readonly hash: Hash;
  received: number;
}

/**
 * The receiving half of file-transfer-protocol.ts. A file's bytes are one binary message
 * (what `parley send` sends); several binary messages before the `end` — the form older
 * senders used — are appended in order, which costs nothing extra. Bytes of an announced file go to
 * `<dir>/<name>.part` as they arrive (bounded memory); the `end` message renames it to
 * `<name>` when size and SHA-256 match. File writes are synchronous so they happen in message
 * order without a queue. Text that is not a control message is returned to the caller.
 */
export class FileReceiver {
  readonly #dir: string;
  readonly #report: (outcome: ReceiveOutcome) => void;
  #pending: PendingFile | null = null;
  #messages = 0;

  constructor(dir: string, report: (outcome: ReceiveOutcome) => void) {
    this.#dir = dir;
    this.#report = report;
  }

  /** True while a file has been announced and not yet ended. */
  get receiving(): boolean {
    return this.#pending !== null;
  }

  /** Handles a text message; returns false when it is not part of the transfer protocol. */
  text(text: string): boolean {
    const control = parseControl(text);
    if (control === null) return false;
    if (control.type === 'file') this.#begin(control);
    else if (control.type === 'end') this.#end(control);
    else this.#discard(`cancelled by the sender after ${control.sent} bytes`);
    return true;
  }

  binary(data: Buffer): void {
    const pending = this.#pending;
    if (pending === null) {
      this.#messages += 1;
      const path = join(this.#dir, `message-${this.#messages}.bin`);
      const fd = openSync(path, 'w');
      try {
        writeSync(fd, data);
      } finally {
        closeSync(fd);
      }
      const sha256 = createHash('sha256').update(data).digest('hex');
      this.#report({ kind: 'message', path, size: data.length, sha256 });
      return;
    }
    writeSync(pending.fd, data);
    pending.hash.update(data);
    pending.received += data.length;
  }

  /** The connection ended: a file still open is incomplete and discarded. */
  connectionClosed(): void {
    this.#discard('the connection closed before the end message');
  }

  #begin(header: FileHeader): void {
    this.#discard('a new file was announced before the end message');
    const name = safeFileName(header.name);
    if (name === null) {
      this.#report({ kind: 'refused', name: header.name, reason: 'unsafe file name' });
      return;
    }
    const partPath = join(this.#dir, `${name}.part`);
    const fd = openSync(partPath, 'w');
    this.#pending = { header, name, partPath, fd, hash: createHash('sha256'), received: 0 };
    this.#report({ kind: 'started', name, expectedSize: header.size });
  }

  #end(end: FileEnd): void {
    const pending = this.#pending;
    if (pending === null) return;
    this.#pending = null;
    closeSync(pending.fd);
    const sha256 = pending.hash.digest('hex');
    const matches =
      pending.received === end.size && end.size === pending.header.size && sha256 === end.sha256;
    const path = matches ? join(this.#dir, pending.name) : pending.partPath;
    if (matches) renameSync(pending.partPath, path);
    this.#report({
      kind: 'file',
      status: matches ? 'ok' : 'mismatch',
      name: pending.name,
      path,
      size: pending.received,
      expectedSize: end.size,
      sha256,
      expectedSha256: end.sha256,
    });
  }

  #discard(reason: string): void {
    const pending = this.#pending;
    if (pending === null) return;
    this.#pending = null;
    closeSync(pending.fd);
    rmSync(pending.partPath, { force: true });
    this.#report({
      kind: 'incomplete',
      name: pending.name,
      received: pending.received,
      expectedSize: pending.header.size,
      reason,
    });
  }
}
