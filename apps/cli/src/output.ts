import type { Interface as ReadlineInterface } from 'node:readline';
import { clearLine, cursorTo } from 'node:readline';
import type { Writable } from 'node:stream';
import { writeLine } from './io.js';

/**
 * Event output of connect/receive: human-readable lines by default, or (with --json) one
 * JSON object per line with an `event` field, for scripts.
 */
export class EventPrinter {
  readonly #stdout: Writable;
  readonly #json: boolean;
  #prompt: ReadlineInterface | null = null;

  constructor(stdout: Writable, json: boolean) {
    this.#stdout = stdout;
    this.#json = json;
  }

  get json(): boolean {
    return this.#json;
  }

  /** With an interactive prompt, event lines replace the prompt line and the prompt is redrawn. */
  attachPrompt(prompt: ReadlineInterface | null): void {
    this.#prompt = prompt;
  }

  /** Prints `text` in human mode, `{ event, ...fields }` in JSON mode. */
  event(event: string, fields: Record<string, unknown>, text: string): void {
    this.line(this.#json ? JSON.stringify({ event, ...fields }) : text);
  }

  /** Prints a line of its own, keeping an interactive prompt intact. */
  line(text: string): void {
    const prompt = this.#prompt;
    if (prompt !== null) {
      clearLine(this.#stdout, 0);
      cursorTo(this.#stdout, 0);
    }
    writeLine(this.#stdout, text);
    prompt?.prompt(true);
  }
}

/** `1.5 MiB`-style sizes for progress lines. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** Bytes per second as `12.3 MiB/s`. */
export function formatRate(bytes: number, milliseconds: number): string {
  const perSecond = milliseconds > 0 ? (bytes * 1000) / milliseconds : 0;
  return `${formatBytes(Math.round(perSecond))}/s`;
}

/** Printable form of a binary payload: the length and up to 32 bytes of hex. */
export function describeBinary(data: Buffer): string {
  const preview = data.subarray(0, 32).toString('hex');
  return `[binary ${data.length} bytes] ${preview}${data.length > 32 ? '…' : ''}`;
}
