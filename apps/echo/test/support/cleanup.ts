// What the client tests start (ws servers on node:http, echo CLI children), closed after each test.
import type { ChildProcess } from 'node:child_process';
import type * as http from 'node:http';
import { stopChild } from '@parley/test-support';
import type { WebSocketServer } from 'ws';

export const servers: { wss: WebSocketServer; server: http.Server }[] = [];
export const children: ChildProcess[] = [];

/** Stops every child (SIGTERM) and closes every server with its sockets; for afterEach. */
export async function closeEverything(): Promise<void> {
  await Promise.all(children.splice(0).map((child) => stopChild(child, 'SIGTERM')));
  for (const { wss, server } of servers.splice(0)) {
    for (const socket of wss.clients) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
