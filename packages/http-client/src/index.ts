// Public API of @parley/http-client: a small HTTP/1.1 client (undici) and server (node:http)
// for what sits beside WebSocket endpoints: pages, health checks, REST calls.
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_INDEX_FILE,
  DEFAULT_MAX_BODY_SIZE,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_MAX_REQUEST_BODY_SIZE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_STATIC_CACHE_CONTROL,
} from './defaults.js';
export { type HttpError, type HttpErrorCode, toHttpError } from './http-error.js';
export { type HttpResponse, type RequestOptions, request } from './request.js';
export { contentTypeFor } from './server/content-types.js';
export {
  createHttpServer,
  HttpServer,
  type HttpServerAddress,
  type HttpServerOptions,
} from './server/http-server.js';
export { healthRoute, sendJson, sendText } from './server/json.js';
export { readRequestBody } from './server/request-body.js';
export type { Handler, Route } from './server/router.js';
export { etagFor } from './server/static-files.js';

export const PACKAGE_NAME = '@parley/http-client';
