import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpServer,
  healthRoute,
  readRequestBody,
  request,
  type Route,
  sendJson,
} from '../src/index.js';
import { createTestCertificates, type TestCertificates } from './support/certificates.js';
import { Servers } from './support/servers.js';

const servers = new Servers();
afterEach(() => servers.stopAll());

let site: string;
let outside: string;
let certificates: TestCertificates;
beforeAll(() => {
  certificates = createTestCertificates();
  outside = mkdtempSync(join(tmpdir(), 'parley-outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  site = mkdtempSync(join(tmpdir(), 'parley-site-'));
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>chat</title>');
  writeFileSync(join(site, 'app.js'), 'console.log(1);');
  writeFileSync(join(site, 'style.css'), 'body{}');
  writeFileSync(join(site, 'data.bin'), Buffer.from([1, 2, 3]));
  writeFileSync(join(site, '.env'), 'TOKEN=1');
  mkdirSync(join(site, 'docs'));
  writeFileSync(join(site, 'docs', 'index.html'), 'docs');
  symlinkSync(join(outside, 'secret.txt'), join(site, 'link.txt'));
});
afterAll(() => {
  rmSync(site, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
  certificates.remove();
});

/** Sends a raw request line (no client-side path normalisation) and returns the status code. */
async function rawStatus(origin: string, target: string): Promise<number> {
  const { port } = new URL(origin);
  const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
  socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  let response = '';
  socket.on('data', (chunk: Buffer) => {
    response += chunk.toString('latin1');
  });
  await once(socket, 'close');
  return Number(response.slice(9, 12));
}

async function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
  const result = await request({ url, headers, method });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('createHttpServer routes', () => {
  const routes: Route[] = [
    {
      method: 'GET',
      path: '/hello',
      handler: (_req, res, url) => res.end(`hello ${url.searchParams.get('n')}`),
    },
    {
      method: 'POST',
      path: '/api',
      match: 'prefix',
      handler: (_req, res, url) => res.end(`api ${url.pathname}`),
    },
    {
      method: 'GET',
      path: '/async',
      handler: async (_req, res) => {
        await new Promise((resolve) => setImmediate(resolve));
        res.end('later');
      },
    },
    {
      method: 'GET',
      path: '/boom',
      handler: () => {
        throw new Error('handler bug');
      },
    },
    healthRoute('/health', () => ({ connections: 3 })),
  ];

  it('dispatches by method and path, passing the parsed URL', async () => {
    const { origin } = await servers.start({ routes });
    expect((await get(`${origin}/hello?n=7`)).body.toString()).toBe('hello 7');
    expect((await get(`${origin}/api/rooms`, {}, 'POST')).body.toString()).toBe('api /api/rooms');
    expect((await get(`${origin}/async`)).body.toString()).toBe('later');
  });

  it('404 for unknown paths, 405 with Allow for a known path and wrong method', async () => {
    const { origin } = await servers.start({ routes });
    expect((await get(`${origin}/nope`)).status).toBe(404);
    const wrong = await get(`${origin}/hello`, {}, 'DELETE');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, HEAD');
  });

  it('HEAD answers from the GET route without a body', async () => {
    const { origin } = await servers.start({ routes });
    const head = await get(`${origin}/health`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('a throwing handler becomes a 500 and is reported to onError', async () => {
    const errors: unknown[] = [];
    const { origin } = await servers.start({ routes, onError: (error) => errors.push(error) });
    expect((await get(`${origin}/boom`)).status).toBe(500);
    expect((errors[0] as Error).message).toBe('handler bug');
  });

  it('healthRoute answers JSON with uptime and details', async () => {
    const { origin } = await servers.start({ routes });
    const health = await get(`${origin}/health`);
    expect(JSON.parse(health.body.toString())).toEqual({
      status: 'ok',
      uptime: expect.any(Number),
      connections: 3,
    });
    expect(health.headers['cache-control']).toBe('no-store');
  });

  it('a custom notFound handler', async () => {
    const { origin } = await servers.start({ notFound: (_req, res) => res.writeHead(404).end('custom') });
    expect((await get(`${origin}/x`)).body.toString()).toBe('custom');
  });
});

describe('readRequestBody', () => {
  const routes: Route[] = [
    {
      method: 'POST',
      path: '/body',
      handler: async (req, res) => {
        const body = await readRequestBody(req, 16);
        if (body.ok) sendJson(res, 200, { got: body.value.toString() });
        else sendJson(res, 413, { code: body.error.code });
      },
    },
  ];

  it('reads a body up to the limit', async () => {
    const { origin } = await servers.start({ routes });
    const small = await get(`${origin}/body`, {}, 'POST');
    expect(small.status).toBe(200);
    const result = await request({ url: `${origin}/body`, method: 'POST', body: 'sixteen bytes!!!' });
    expect(result.ok && JSON.parse(result.value.body.toString())).toEqual({ got: 'sixteen bytes!!!' });
  });

  it('BODY_TOO_LARGE beyond it, declared or streamed', async () => {
    const { origin } = await servers.start({ routes });
    const declared = await request({ url: `${origin}/body`, method: 'POST', body: 'x'.repeat(17) });
    expect(declared.ok && declared.value.status).toBe(413);
    expect(declared.ok && JSON.parse(declared.value.body.toString())).toEqual({ code: 'BODY_TOO_LARGE' });
    // Chunked: no content-length, so the limit trips while streaming.
    const { port } = new URL(origin);
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    socket.write('POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n');
    socket.write('a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n');
    let response = '';
    socket.on('data', (chunk: Buffer) => {
      response += chunk.toString();
    });
    await once(socket, 'close');
    expect(response.startsWith('HTTP/1.1 413')).toBe(true);
    expect(response).toContain('BODY_TOO_LARGE');
  });
});

describe('createHttpServer static files', () => {
  it('serves files with content types, ETag, Last-Modified and Cache-Control', async () => {
    const { origin } = await servers.start({ staticDir: site });
    const page = await get(`${origin}/`);
    expect(page.body.toString()).toBe('<!doctype html><title>chat</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers.etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(page.headers['last-modified']).toBeTypeOf('string');
    expect((await get(`${origin}/app.js`)).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(`${origin}/style.css`)).headers['content-type']).toBe('text/css; charset=utf-8');
    const binary = await get(`${origin}/data.bin`);
    expect(binary.headers['content-type']).toBe('application/octet-stream');
    expect([...binary.body]).toEqual([1, 2, 3]);
    expect((await get(`${origin}/docs/`)).body.toString()).toBe('docs');
  });

  it('answers 304 to a matching If-None-Match and If-Modified-Since', async () => {
    const { origin } = await servers.start({ staticDir: site, staticCacheControl: 'public, max-age=60' });
    const first = await get(`${origin}/app.js`);
    expect(first.headers['cache-control']).toBe('public, max-age=60');
    const etag = first.headers.etag as string;
    const again = await get(`${origin}/app.js`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const since = await get(`${origin}/app.js`, {
      'if-modified-since': first.headers['last-modified'] as string,
    });
    expect(since.status).toBe(304);
    expect((await get(`${origin}/app.js`, { 'if-none-match': 'W/"other"' })).status).toBe(200);
  });

  it('HEAD gives the headers of GET and no body', async () => {
    const { origin } = await servers.start({ staticDir: site });
    const head = await get(`${origin}/app.js`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('15');
    expect(head.body.length).toBe(0);
  });

  it('never leaves the directory: .., encoded .., dot-files, symlinks out, NUL', async () => {
    const { origin } = await servers.start({ staticDir: site });
    expect(await rawStatus(origin, '/../' + outside.split('/').pop() + '/secret.txt')).toBe(404);
    expect(await rawStatus(origin, '/..%2f..%2f..%2fetc%2fpasswd')).toBe(404);
    expect(await rawStatus(origin, '/%2e%2e/%2e%2e/etc/passwd')).toBe(404);
    expect(await rawStatus(origin, '/.env')).toBe(404);
    expect(await rawStatus(origin, '/link.txt')).toBe(404);
    expect(await rawStatus(origin, '/app.js%00.html')).toBe(400);
    expect(await rawStatus(origin, '/%E0%A4%A')).toBe(400);
    expect(await rawStatus(origin, '/app.js')).toBe(200);
  });

  it('routes win over files; POST to a file path is 404', async () => {
    const { origin } = await servers.start({
      staticDir: site,
      routes: [{ method: 'GET', path: '/app.js', handler: (_req, res) => res.end('route') }],
    });
    expect((await get(`${origin}/app.js`)).body.toString()).toBe('route');
    expect((await get(`${origin}/style.css`, {}, 'POST')).status).toBe(404);
  });
});

describe('createHttpServer lifecycle', () => {
  it('EADDRINUSE from start() is a value naming the port', async () => {
    const { server } = await servers.start({});
    const port = server.address()!.port;
    const second = createHttpServer({ host: '127.0.0.1', port });
    if (!second.ok) throw new Error(second.error.message);
    const started = await second.value.start();
    expect(started.ok ? 'ok' : started.error.code).toBe('EADDRINUSE');
    expect(started.ok ? '' : started.error.message).toContain(String(port));
  });

  it('bad options are values: port, missing static dir, unreadable certificate', () => {
    const badPort = createHttpServer({ port: -1 });
    expect(badPort.ok ? 'ok' : badPort.error.code).toBe('INVALID_CONFIG');
    const noDir = createHttpServer({ port: 0, staticDir: join(site, 'missing') });
    expect(noDir.ok ? 'ok' : noDir.error.message).toContain('does not exist');
    const file = createHttpServer({ port: 0, staticDir: join(site, 'app.js') });
    expect(file.ok ? 'ok' : file.error.message).toContain('not a directory');
    const badTls = createHttpServer({ port: 0, tls: { cert: '/missing.pem', key: '/missing.key' } });
    expect(badTls.ok ? 'ok' : badTls.error.code).toBe('TLS_CONFIG_INVALID');
  });

  it('stop() closes keep-alive connections; address() is null before start', async () => {
    const created = createHttpServer({ host: '127.0.0.1', port: 0 });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.address()).toBeNull();
    const { server, origin } = await servers.start({
      routes: [{ method: 'GET', path: '/', handler: (_q, s) => s.end() }],
    });
    const { port } = new URL(origin);
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(socket, 'data');
    await server.stop();
    await once(socket, 'close');
    expect(server.nodeServer.listening).toBe(false);
  });

  it('exposes nodeServer so WebSocket upgrades share the port', async () => {
    const { server, origin } = await servers.start({ staticDir: site });
    server.nodeServer.on('upgrade', (_req, socket: net.Socket) => {
      socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\nupgraded');
    });
    const { port } = new URL(origin);
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n');
    let response = '';
    socket.on('data', (chunk: Buffer) => {
      response += chunk.toString();
    });
    await once(socket, 'close');
    expect(response.startsWith('HTTP/1.1 101')).toBe(true);
    expect(response.endsWith('upgraded')).toBe(true);
    expect((await get(`${origin}/app.js`)).status).toBe(200);
  });

  it('stop() also closes upgraded sockets node:http no longer tracks', async () => {
    const { server, origin } = await servers.start({});
    server.nodeServer.on('upgrade', (_req, socket: net.Socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n');
    });
    const { port } = new URL(origin);
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n');
    await once(socket, 'data');
    const closed = once(socket, 'close');
    await server.stop();
    await closed;
    expect(server.nodeServer.listening).toBe(false);
  });

  it('serves HTTPS with tls options', async () => {
    const { origin } = await servers.start({
      staticDir: site,
      tls: { cert: certificates.certPath, key: certificates.keyPath },
    });
    expect(origin.startsWith('https://')).toBe(true);
    const page = await request({ url: `${origin}/app.js`, tls: { ca: certificates.caPath } });
    expect(page.ok && page.value.body.toString()).toBe('console.log(1);');
  });
});
