import type { ServerResponse } from 'node:http';
import type { Route } from './router.js';

/** Sends `value` as JSON with the right headers (no body for HEAD: node:http drops it). */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** Sends a short plain-text response, for errors (404, 405, 500...). */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * A `GET path` route answering `{ "status": "ok", "uptime": <seconds>, ...details() }`,
 * for load balancers and probes. `details` adds live numbers (connections, rooms...).
 */
export function healthRoute(path = '/health', details?: () => Record<string, unknown>): Route {
  const startedAt = Date.now();
  return {
    method: 'GET',
    path,
    handler: (_req, res) => {
      const uptime = Math.round((Date.now() - startedAt) / 1000);
      sendJson(res, 200, { status: 'ok', uptime, ...details?.() });
    },
  };
}
