import type { ClientConfigInput } from '../src/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  headerOf,
  readRequestHead,
  Resources,
  startRawServer,
  startWsEchoServer,
} from './client-fixtures.js';

const resources = new Resources();
afterEach(() => resources.closeAll());

function makeClient(config: ClientConfigInput) {
  return resources.createClient({ proxy: false, reconnect: { enabled: false }, ...config });
}

/** Answers every upgrade with `status` and a Location; records the request heads. */
async function redirector(status: number, location: (port: number) => string) {
  const heads: string[] = [];
  const server = await startRawServer(resources, (socket) => {
    void readRequestHead(socket).then(({ head }) => {
      heads.push(head);
      socket.end(
        `HTTP/1.1 ${status} Moved\r\nLocation: ${location(server.port)}\r\nContent-Length: 0\r\n\r\n`,
      );
    });
  });
  return { ...server, heads };
}

describe('client redirects', () => {
  it('follows a 302 to another port and path when follow_redirects is on', async () => {
    const target = await startWsEchoServer(resources);
    let path = '';
    target.wss.on('connection', (_socket, request) => {
      path = request.url ?? '';
    });
    const first = await redirector(302, () => `ws://127.0.0.1:${target.port}/moved?x=1`);
    const client = makeClient({ url: first.url, follow_redirects: true });
    const opened = await client.start();
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.value.url).toBe(`ws://127.0.0.1:${target.port}/moved?x=1`);
    expect(opened.value.redirects).toBe(1);
    expect(client.url).toBe(`ws://127.0.0.1:${target.port}/moved?x=1`);
    expect(path).toBe('/moved?x=1');
  });

  it('maps http:// Locations to ws:// and resolves relative ones', async () => {
    const target = await startWsEchoServer(resources);
    // `second` redirects every request to its own /final: a loop that max_redirects must end
    const second = await redirector(307, () => '/final');
    const first = await redirector(301, () => `http://127.0.0.1:${target.port}/via-http`);
    const client = makeClient({ url: first.url, follow_redirects: true });
    const opened = await client.start();
    expect(opened.ok && opened.value.url).toBe(`ws://127.0.0.1:${target.port}/via-http`);
    const relative = makeClient({ url: second.url, follow_redirects: true, max_redirects: 2 });
    const result = await relative.start();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('TOO_MANY_REDIRECTS');
    expect(second.heads.map((h) => h.split(' ')[1])).toEqual(['/', '/final', '/final']);
  });

  it('without follow_redirects a 3xx is an HTTP_STATUS error carrying the status, and not retried', async () => {
    const first = await redirector(302, () => 'ws://127.0.0.1:1/');
    const client = makeClient({ url: first.url, reconnect: { enabled: true, min_wait: 1, max_wait: 1 } });
    const result = await client.start();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({ code: 'HTTP_STATUS', http_status: 302 });
      expect(result.error.headers?.location).toBe('ws://127.0.0.1:1/');
    }
    expect(first.heads).toHaveLength(1);
  });

  it('drops Authorization and Cookie headers on a redirect to another host', async () => {
    const target = await startWsEchoServer(resources);
    let seen: Record<string, string | string[] | undefined> = {};
    target.wss.on('connection', (_socket, request) => {
      seen = request.headers;
    });
    const first = await redirector(302, () => `ws://localhost:${target.port}/`);
    const client = makeClient({
      url: first.url,
      follow_redirects: true,
      headers: { authorization: 'Bearer secret', cookie: 'a=b', 'x-keep': 'yes' },
    });
    expect((await client.start()).ok).toBe(true);
    expect(headerOf(first.heads[0]!, 'authorization')).toBe('Bearer secret');
    expect(seen.authorization).toBeUndefined();
    expect(seen.cookie).toBeUndefined();
    expect(seen['x-keep']).toBe('yes');
  });

  it('an unusable Location is a handshake error', async () => {
    const first = await redirector(302, () => 'ftp://example.com/');
    const client = makeClient({ url: first.url, follow_redirects: true });
    const result = await client.start();
    expect(!result.ok && result.error.message).toMatch(/unusable redirect Location/);
  });
});
