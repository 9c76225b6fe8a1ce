/**
 * The HTTP side of the chat port: the page, `GET /health`, and the upgrade hook that turns
 * `/chat/<room>` into `/chat?room=<room>` before the facade (attached to this server) sees it.
 *
 * INTEGRATION POINT: written on node:http until `@parley/http-client`'s `createHttpServer`
 * lands; then only this file changes (its `nodeServer` is what the facade attaches to).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ParleyError, Result } from '@parley/facade';
import type { HealthReport } from './health.js';
import type { StaticFile } from './page-files.js';

export interface PageServerOptions {
  port: number;
  host: string;
  pages: ReadonlyMap<string, StaticFile>;
  health: () => Promise<HealthReport>;
  /** The WebSocket path; `<chatPath>/<room>` is rewritten to `<chatPath>?room=<room>`. */
  chatPath: string;
}

export interface PageServer {
  readonly nodeServer: Server;
  readonly address: AddressInfo;
  stop(): Promise<void>;
}

/** `/chat/dev?name=x` → `/chat?name=x&room=dev`; other targets unchanged. */
export function rewriteRoomPath(target: string, chatPath: string): string {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const prefix = `${chatPath}/`;
  if (!path.startsWith(prefix) || path.length === prefix.length) return target;
  let room: string;
  try {
    room = decodeURIComponent(path.slice(prefix.length));
  } catch {
    return target;
  }
  const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
  query.set('room', room);
  return `${chatPath}?${query.toString()}`;
}

export async function startPageServer(options: PageServerOptions): Promise<Result<PageServer, ParleyError>> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/health') {
      options.health().then(
        (report) => {
          response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          response.end(JSON.stringify(report));
        },
        () => response.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"unavailable"}'),
      );
      return;
    }
    const file = options.pages.get(path);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    response.writeHead(200, { 'content-type': file.contentType, 'content-length': file.body.length });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  });
  server.prependListener('upgrade', (request) => {
    if (request.url) request.url = rewriteRoomPath(request.url, options.chatPath);
  });
  const listening = await new Promise<Result<AddressInfo, ParleyError>>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve({
        ok: false,
        error: { code: error.code ?? 'LISTEN_FAILED', message: error.message, cause: error },
      }),
    );
    server.listen(options.port, options.host, () =>
      resolve({ ok: true, value: server.address() as AddressInfo }),
    );
  });
  if (!listening.ok) return listening;
  return {
    ok: true,
    value: {
      nodeServer: server,
      address: listening.value,
      stop: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    },
  };
}
