// Child processes in tests: waiting for the line a program prints when it is ready (instead of
// sleeping), and stopping whatever is still running in afterEach.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface WaitForLineOptions {
  /** The first line must match: any other first line rejects (default: the first line that matches). */
  first?: boolean;
}

/**
 * Resolves with the match of `pattern` against a line `child` writes to stdout (spawn it with
 * stdout 'pipe'). Rejects when no line can match any more: the child closed its output (exited)
 * first, failed to spawn, or, with `first`, its first line is something else. Lines are
 * matched without their line ending; the error names what was printed.
 */
export function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  options: WaitForLineOptions = {},
): Promise<RegExpMatchArray> {
  const stdout = child.stdout;
  if (stdout === null)
    return Promise.reject(new Error('waitForLine needs the child spawned with stdout: pipe'));
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let lines = 0;
    const settle = (): void => {
      stdout.off('data', onData);
      child.off('close', onClose);
      child.off('error', onError);
    };
    const onData = (chunk: Buffer | string): void => {
      pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n')) {
        const line = pending.slice(0, end).replace(/\r$/, '');
        pending = pending.slice(end + 1);
        lines += 1;
        const match = line.match(pattern);
        if (match !== null) {
          settle();
          resolve(match);
          return;
        }
        if (options.first) {
          settle();
          reject(new Error(`expected a first line matching ${pattern}, got: ${line}`));
          return;
        }
      }
    };
    const onClose = (code: number | null, signal: NodeJS.Signals | null): void => {
      settle();
      const how = signal === null ? `exited with ${code}` : `was killed by ${signal}`;
      reject(new Error(`the child ${how} after ${lines} line(s) without one matching ${pattern}`));
    };
    const onError = (error: Error): void => {
      settle();
      reject(error);
    };
    stdout.on('data', onData);
    child.once('close', onClose);
    child.once('error', onError);
  });
}

/** Kills `child` (SIGKILL unless told otherwise) unless it already ended, and waits until it has. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  // (no pid: it never started)
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * Spawns `command args` (stdout piped, stderr ignored unless `options.stdio` says otherwise) and
 * waits for a stdout line matching `pattern`, as waitForLine. When that fails the child is
 * stopped before the promise rejects, so nothing is left running; on success, stop it yourself.
 */
export async function spawnAndWaitForLine(
  command: string,
  args: readonly string[],
  pattern: RegExp,
  options: WaitForLineOptions & { spawn?: SpawnOptions } = {},
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'], ...options.spawn });
  try {
    return { child, match: await waitForLine(child, pattern, options) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}
