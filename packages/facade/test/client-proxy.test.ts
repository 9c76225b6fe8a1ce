import type { ClientConfigInput } from '../src/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  nextEvent,
  Resources,
  useCertificates,
  startConnectProxy,
  startWsEchoServer,
} from './client-fixtures.js';

const resources = new Resources();
const certs = useCertificates();
afterEach(() => resources.closeAll());

function makeClient(config: ClientConfigInput, env: Record<string, string> = {}) {
  return resources.createClient({ reconnect: { enabled: false }, ...config }, { env });
}

describe('client through an HTTP CONNECT proxy', () => {
  it('tunnels ws:// through an explicitly configured proxy', async () => {
    const server = await startWsEchoServer(resources);
    const proxy = await startConnectProxy(resources);
    const client = makeClient({ url: server.url, proxy: proxy.url });
    expect((await client.start()).ok).toBe(true);
    expect(proxy.targets).toEqual([`127.0.0.1:${server.port}`]);
    const echoed = nextEvent<string>(client, 'message');
    client.send('through the tunnel');
    expect(await echoed).toBe('through the tunnel');
  });

  it('uses HTTP_PROXY from the environment and skips hosts in NO_PROXY', async () => {
    const server = await startWsEchoServer(resources);
    const proxy = await startConnectProxy(resources);
    const viaProxy = makeClient({ url: server.url }, { HTTP_PROXY: proxy.url });
    expect((await viaProxy.start()).ok).toBe(true);
    expect(proxy.targets).toHaveLength(1);
    const direct = makeClient({ url: server.url }, { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    expect((await direct.start()).ok).toBe(true);
    expect(proxy.targets).toHaveLength(1);
  });

  it('sends Basic credentials from the proxy URL; a 407 is a PROXY_FAILED error with the status', async () => {
    const server = await startWsEchoServer(resources);
    const expected = `Basic ${Buffer.from('user:p@ss').toString('base64')}`;
    const proxy = await startConnectProxy(resources, expected);
    const good = makeClient({ url: server.url, proxy: `http://user:p%40ss@127.0.0.1:${proxy.port}` });
    expect((await good.start()).ok).toBe(true);
    expect(proxy.authorizations[0]).toBe(expected);
    const bad = makeClient({ url: server.url, proxy: proxy.url });
    const result = await bad.start();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({ code: 'PROXY_FAILED', http_status: 407, body: 'auth' });
      expect(result.error.message).toMatch(/^proxy: CONNECT .* refused with HTTP 407/);
    }
  });

  it('a proxy that is down is reported as a proxy failure', async () => {
    const proxy = await startConnectProxy(resources);
    await resources.closeAll(); // the proxy is gone
    const client = makeClient({ url: 'ws://127.0.0.1:9/', proxy: proxy.url });
    const result = await client.start();
    expect(!result.ok && result.error.code).toBe('PROXY_FAILED');
    expect(!result.ok && result.error.message).toMatch(/^proxy: connection refused/);
  });

  it('tunnels wss:// with TLS inside the tunnel', async () => {
    const server = await startWsEchoServer(resources, { tls: { cert: certs.cert, key: certs.key } });
    const proxy = await startConnectProxy(resources);
    const client = makeClient({
      url: `wss://localhost:${server.port}/`,
      proxy: proxy.url,
      tls: { ca: certs.caPath },
    });
    const opened = await client.start();
    expect(opened.ok).toBe(true);
    expect(proxy.targets).toEqual([`localhost:${server.port}`]);
    const echoed = nextEvent<string>(client, 'message');
    client.send('tls in a tunnel');
    expect(await echoed).toBe('tls in a tunnel');
  });

  it('verifies the certificate inside the tunnel: an untrusted one is refused', async () => {
    const server = await startWsEchoServer(resources, {
      tls: { cert: certs.selfSignedCert, key: certs.selfSignedKey },
    });
    const proxy = await startConnectProxy(resources);
    const client = makeClient({
      url: `wss://localhost:${server.port}/`,
      proxy: proxy.url,
      tls: { ca: certs.caPath },
    });
    const result = await client.start();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('TLS_FAILED');
      expect(result.error.message).toMatch(/^TLS: certificate invalid/);
    }
  });
});
