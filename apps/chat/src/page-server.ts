/**
 * The HTTP side of the chat port, on `@parley/http-client`: the page (static files from the
 * build), `GET /health`, and an upgrade hook that turns `/chat/<room>` into
 * `/chat?room=<room>` before the facade (attached to this server's `nodeServer`) routes it.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { createHttpServer, type HttpServerAddress, sendJson } from '@parley/http-client';
import type { ParleyError, Result } from '@parley/facade';
import type { HealthReport } from './health.js';

export interface PageServerOptions {
  port: number;
  host: string;
  /** The built page; when the directory does not exist only /health and /chat are served. */
  publicDir: string;
  health: () => Promise<HealthReport>;
  /** The WebSocket path; `<chatPath>/<room>` is rewritten to `<chatPath>?room=<room>`. */
  chatPath: string;
}

export interface PageServer {
  readonly nodeServer: Server;
  readonly address: HttpServerAddress;
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
  const created = createHttpServer({
    port: options.port,
    host: options.host,
    ...(existsSync(options.publicDir) ? { staticDir: options.publicDir } : {}),
    routes: [
      {
        method: 'GET',
        path: '/health',
        handler: async (_req, res) => sendJson(res, 200, await options.health()),
      },
    ],
  });
  if (!created.ok) return created;
  const http = created.value;
  http.nodeServer.prependListener('upgrade', (request) => {
    if (request.url) request.url = rewriteRoomPath(request.url, options.chatPath);
  });
  const started = await http.start();
  if (!started.ok) return started;
  return {
    ok: true,
    value: { nodeServer: http.nodeServer, address: started.value, stop: () => http.stop() },
  };
}
