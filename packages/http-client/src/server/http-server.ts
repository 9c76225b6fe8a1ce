import { realpathSync, statSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { err, ok, type ParleyError, type Result } from '@parley/codec';
import {
  formatTarget,
  resolveTlsServerOptions,
  type TlsServerOptions,
  toTransportError,
} from '@parley/transport';
import { DEFAULT_INDEX_FILE, DEFAULT_STATIC_CACHE_CONTROL } from '../defaults.js';
import { type HttpError, httpError } from '../http-error.js';
import { sendText } from './json.js';
import { type Handler, type Route, Router } from './router.js';
import { StaticFiles } from './static-files.js';

export interface HttpServerOptions {
  /** 0 picks a free port; read it back from `address()` after `start()`. */
  port: number;
  /** Default: all interfaces. */
  host?: string;
  /** Serve HTTPS (node:https) with this certificate. */
  tls?: TlsServerOptions;
  /** Checked in order before static files; the first match wins. */
  routes?: Route[];
  /** Serve files below this directory for GET/HEAD requests no route took. */
  staticDir?: string;
  /** Cache-Control for static files. Default `no-cache`. */
  staticCacheControl?: string;
  /** File served for directory requests. Default `index.html`. */
  indexFile?: string;
  /** Answers requests nothing else took. Default: 404 text. */
  notFound?: Handler;
  /** Called when a handler throws or rejects (the client gets a 500). Default: ignore. */
  onError?: (error: unknown, req: http.IncomingMessage) => void;
}

export interface HttpServerAddress {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

const defaultNotFound: Handler = (_req, res) => sendText(res, 404, 'Not Found\n');

const kOpenSockets = Symbol('parley.openSockets');
type TrackedSocket = Socket & { [kOpenSockets]?: Set<Socket> };

function forgetSocket(this: TrackedSocket): void {
  this[kOpenSockets]?.delete(this);
}

/** A small HTTP(S) server: a route table, static files, 404/405/500 handling. */
export class HttpServer {
  /** The node:http(s) server, e.g. to attach WebSocket upgrades on the same port. */
  readonly nodeServer: http.Server;
  private readonly router: Router;
  private readonly staticFiles: StaticFiles | null;
  private readonly notFound: Handler;
  /** Every accepted socket, upgraded ones included (node:http stops tracking those). */
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly options: HttpServerOptions,
    tls: https.ServerOptions | null,
    staticFiles: StaticFiles | null,
  ) {
    this.router = new Router(options.routes ?? []);
    this.staticFiles = staticFiles;
    this.notFound = options.notFound ?? defaultNotFound;
    const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.handle(req, res).catch((error: unknown) => this.fail(error, req, res));
    };
    this.nodeServer = tls === null ? http.createServer(listener) : https.createServer(tls, listener);
    const sockets = this.sockets;
    // 'connection' is the raw TCP socket for HTTPS too: destroying it also ends TLS handshakes.
    this.nodeServer.on('connection', (socket: TrackedSocket) => {
      sockets.add(socket);
      socket[kOpenSockets] = sockets;
      socket.once('close', forgetSocket);
    });
  }

  /** Starts listening. `EADDRINUSE` and friends are error values naming the address. */
  start(): Promise<Result<HttpServerAddress, HttpError>> {
    const { port, host } = this.options;
    return new Promise((resolve) => {
      const onError = (error: Error): void => {
        resolve(err(toTransportError(error, { target: formatTarget(host ?? '*', port), role: 'server' })));
      };
      this.nodeServer.once('error', onError);
      this.nodeServer.listen({ port, host }, () => {
        this.nodeServer.removeListener('error', onError);
        resolve(ok(this.address()!));
      });
    });
  }

  /**
   * Stops accepting and closes every connection — idle keep-alive, in-flight and upgraded
   * (WebSocket) ones: close WebSocket sessions gracefully before calling this. Resolves when
   * the server is closed.
   */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.nodeServer.listening) {
        resolve();
        return;
      }
      this.nodeServer.close(() => resolve());
      this.nodeServer.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
    });
  }

  /** The bound address, or null before `start()`. */
  address(): HttpServerAddress | null {
    const address = this.nodeServer.address() as AddressInfo | null;
    if (address === null || typeof address === 'string') return null;
    return {
      address: address.address,
      port: address.port,
      family: address.family === 'IPv6' ? 'IPv6' : 'IPv4',
    };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      sendText(res, 400, 'Bad Request\n');
      return;
    }
    const method = req.method ?? 'GET';
    const route = this.router.lookup(method, url.pathname);
    if (route.kind === 'found') {
      await route.handler(req, res, url);
      return;
    }
    if (this.staticFiles !== null && (await this.staticFiles.serve(req, res, url))) return;
    if (route.kind === 'method-not-allowed') {
      sendText(res, 405, 'Method Not Allowed\n', { allow: route.allow.join(', ') });
      return;
    }
    await this.notFound(req, res, url);
  }

  private fail(error: unknown, req: http.IncomingMessage, res: http.ServerResponse): void {
    this.options.onError?.(error, req);
    if (!res.headersSent) sendText(res, 500, 'Internal Server Error\n');
    else res.destroy();
  }
}

function invalid(message: string, cause?: unknown): ParleyError<'INVALID_CONFIG'> {
  return httpError('INVALID_CONFIG', message, cause) as ParleyError<'INVALID_CONFIG'>;
}

/**
 * Builds (does not start) an HTTP server. Bad options — a port out of range, a missing static
 * directory, an unreadable certificate — are error values here, before anything listens.
 */
export function createHttpServer(options: HttpServerOptions): Result<HttpServer, HttpError> {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    return err(invalid(`port must be an integer 0..65535, got ${options.port}`));
  }
  let staticFiles: StaticFiles | null = null;
  if (options.staticDir !== undefined) {
    let root: string;
    try {
      root = realpathSync(options.staticDir);
      if (!statSync(root).isDirectory())
        return err(invalid(`staticDir ${options.staticDir} is not a directory`));
    } catch (cause) {
      return err(invalid(`staticDir ${options.staticDir} does not exist`, cause));
    }
    staticFiles = new StaticFiles(root, {
      cacheControl: options.staticCacheControl ?? DEFAULT_STATIC_CACHE_CONTROL,
      indexFile: options.indexFile ?? DEFAULT_INDEX_FILE,
    });
  }
  let tls: https.ServerOptions | null = null;
  if (options.tls !== undefined) {
    const resolved = resolveTlsServerOptions(options.tls);
    if (!resolved.ok) return resolved;
    tls = resolved.value;
  }
  return ok(new HttpServer(options, tls, staticFiles));
}
