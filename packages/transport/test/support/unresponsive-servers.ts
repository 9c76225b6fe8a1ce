import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import { createInterface } from 'node:readline';

/**
 * A listening socket that never accepts, with a backlog of 0, run by python3 (node:net
 * always accepts). After one connection completes the handshake the accept queue is full,
 * and Linux drops further SYNs: a connect to it hangs in SYN_SENT, on loopback, every time.
 */
export async function startFullBacklogServer(): Promise<{
  port: number;
  filler: net.Socket;
  child: ChildProcess;
}> {
  const script = [
    'import socket, sys',
    's = socket.socket()',
    "s.bind(('127.0.0.1', 0))",
    's.listen(0)',
    'print(s.getsockname()[1], flush=True)',
    'sys.stdin.read()',
  ].join('\n');
  const child = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    lines.once('line', (line) => resolve(Number(line)));
  });
  const filler = await new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
  return { port, filler, child };
}

/** A TCP server that accepts and then says nothing: a TLS client waits forever for ServerHello. */
export async function startSilentServer(): Promise<{
  port: number;
  server: net.Server;
  sockets: Set<net.Socket>;
}> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, server, sockets };
}

export function closeSilentServer(silent: { server: net.Server; sockets: Set<net.Socket> }): Promise<void> {
  for (const socket of silent.sockets) socket.destroy();
  return new Promise((resolve) => silent.server.close(() => resolve()));
}
