// Child-process helpers: start a server or the load generator pinned to one CPU, talk IPC.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const hasTaskset = existsSync('/usr/bin/taskset');
export const pinned = hasTaskset;

export function startNode(script, { cpu, env = {}, args = [], nodeArgs: extraNodeArgs = [] } = {}) {
  const file = fileURLToPath(new URL(`../${script}`, import.meta.url));
  const nodeArgs = ['--expose-gc', '--max-old-space-size=4096', ...extraNodeArgs, file, ...args];
  const [cmd, argv] =
    hasTaskset && cpu !== undefined
      ? ['taskset', ['-c', String(cpu), process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
  const child = spawn(cmd, argv, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  // The load generator exits on its own after reporting; a 'stop' sent as it goes fails with
  // EPIPE, asynchronously, as an 'error' event: expected, not a crash of the run.
  child.on('error', () => {});
  return child;
}

export function nextMessage(child, type) {
  return new Promise((resolve, reject) => {
    const onMsg = (m) => {
      if (m?.type === type) {
        cleanup();
        resolve(m);
      } else if (m?.type === 'error') {
        cleanup();
        reject(new Error(m.error));
      }
    };
    const onExit = (code) => {
      cleanup();
      reject(new Error(`process exited (${code}) before '${type}'`));
    };
    const cleanup = () => {
      child.off('message', onMsg);
      child.off('exit', onExit);
    };
    child.on('message', onMsg);
    child.on('exit', onExit);
  });
}

export async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    if (child.connected) child.send({ cmd: 'stop' });
    else child.kill('SIGKILL');
  } catch {}
  const t = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(t);
}
