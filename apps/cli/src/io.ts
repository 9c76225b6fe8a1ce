import type { Readable, Writable } from 'node:stream';

/**
 * Everything a command touches outside its arguments. `main` takes one of these so tests run
 * commands in-process with PassThrough streams and an AbortController instead of signals.
 */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** True when stdin is an interactive terminal (connect shows a prompt, waits for /quit). */
  readonly stdinIsTTY: boolean;
  /** Aborted on SIGINT/SIGTERM: servers stop, transfers cancel, clients close. */
  readonly signal: AbortSignal;
}

/** The real process: stdio plus an AbortSignal fired by the first SIGINT or SIGTERM. */
export function processIo(): CliIo {
  const controller = new AbortController();
  const stop = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY === true,
    signal: controller.signal,
  };
}

/** Writes one line to a stream. */
export function writeLine(stream: Writable, line: string): void {
  stream.write(`${line}\n`);
}

/** Resolves when `signal` aborts (at once if it already has). */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
