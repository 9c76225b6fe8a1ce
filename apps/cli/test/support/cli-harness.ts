import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/io.js';
import { main } from '../../src/main.js';

/** Collects what a command writes and lets a test wait for a line without sleeping. */
export class OutputCollector {
  readonly stream = new PassThrough();
  #text = '';
  #waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];

  constructor() {
    this.stream.setEncoding('utf8');
    this.stream.on('data', (chunk: string) => {
      this.#text += chunk;
      this.#waiters = this.#waiters.filter((w) => {
        const match = this.#text.match(w.pattern);
        if (match !== null) w.resolve(match);
        return match === null;
      });
    });
  }

  get text(): string {
    return this.#text;
  }

  /**
   * Resolves with the first match of `pattern` in everything written so far or later. Gives
   * up after `diagnoseAfterMs` (a failure report, not synchronisation) showing what was written.
   */
  waitFor(pattern: RegExp, diagnoseAfterMs = 10_000): Promise<RegExpMatchArray> {
    const match = this.#text.match(pattern);
    if (match !== null) return Promise.resolve(match);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no ${pattern} in output:\n${this.#text}`));
      }, diagnoseAfterMs);
      this.#waiters.push({
        pattern,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }
}

export interface RunningCli {
  readonly stdin: PassThrough;
  readonly stdout: OutputCollector;
  readonly stderr: OutputCollector;
  readonly exit: Promise<number>;
  /** What SIGINT does to the real process. */
  interrupt(): void;
}

/** Starts `parley <argv>` in-process. */
export function startCli(argv: string[], options: { tty?: boolean } = {}): RunningCli {
  const stdin = new PassThrough();
  const stdout = new OutputCollector();
  const stderr = new OutputCollector();
  const controller = new AbortController();
  const io: CliIo = {
    stdin,
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdinIsTTY: options.tty ?? false,
    signal: controller.signal,
  };
  const exit = main(argv, io);
  return { stdin, stdout, stderr, exit, interrupt: () => controller.abort() };
}

/** Runs a command that ends by itself; returns its exit code and output. */
export async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = startCli(argv);
  cli.stdin.end();
  const code = await cli.exit;
  return { code, stdout: cli.stdout.text, stderr: cli.stderr.text };
}

/** Tracks running commands and interrupts (then awaits) whatever a test left running. */
export class CliRegistry {
  #running: RunningCli[] = [];

  start(argv: string[], options?: { tty?: boolean }): RunningCli {
    const cli = startCli(argv, options);
    this.#running.push(cli);
    return cli;
  }

  async stopAll(): Promise<void> {
    const running = this.#running;
    this.#running = [];
    for (const cli of running) {
      cli.interrupt();
      cli.stdin.end();
    }
    await Promise.all(running.map((cli) => cli.exit));
  }
}
