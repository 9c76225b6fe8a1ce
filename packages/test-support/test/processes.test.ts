import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnAndWaitForLine, stopChild, waitForLine } from '../src/index.js';

const children: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stopChild(child)));
});

/** node -e `script`, stdout piped; stays alive on an open stdin until the test ends it. */
function node(script: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'ignore'] });
  children.push(child);
  return child;
}

describe('waitForLine', () => {
  it('matches a line written in pieces, after other lines', async () => {
    const child = node(
      "process.stdout.write('starting\\nlisten'); setImmediate(() => process.stdout.write('ing on ws://x:1/\\n')); process.stdin.resume();",
    );
    const match = await waitForLine(child, /^listening on (\S+)$/);
    expect(match[1]).toBe('ws://x:1/');
  });

  it('with first, rejects when the first line is something else', async () => {
    const child = node(
      "console.log('warming up'); console.log('listening on ws://x:1/'); process.stdin.resume();",
    );
    await expect(waitForLine(child, /^listening on/, { first: true })).rejects.toThrow(
      /first line matching .*got: warming up/,
    );
  });

  it('rejects when the child exits without a matching line', async () => {
    const child = node("console.log('bye'); process.exitCode = 3;");
    await expect(waitForLine(child, /^listening on/)).rejects.toThrow(/exited with 3 after 1 line/);
  });
});

describe('spawnAndWaitForLine', () => {
  it('returns the running child and the match', async () => {
    const { child, match } = await spawnAndWaitForLine(
      process.execPath,
      ['-e', "console.log('ready 42'); process.stdin.resume();"],
      /^ready (\d+)$/,
      { spawn: { stdio: ['pipe', 'pipe', 'ignore'] } },
    );
    children.push(child);
    expect(match[1]).toBe('42');
    expect(child.exitCode).toBe(null);
  });

  it('stops the child before rejecting', async () => {
    const attempt = spawnAndWaitForLine(
      process.execPath,
      ['-e', "console.log('pid ' + process.pid); process.stdin.resume();"],
      /^ready/,
      { first: true, spawn: { stdio: ['pipe', 'pipe', 'ignore'] } },
    );
    const error = await attempt.then(
      () => expect.unreachable('the first line is not "ready"'),
      (e: Error) => e,
    );
    const pid = Number(/got: pid (\d+)/.exec(error.message)?.[1]);
    expect(pid).toBeGreaterThan(0);
    // Its exit has been awaited: the process no longer exists.
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });
});
