import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, listen, reusePortSupported } from '../src/index.js';
import { deferred, expectOk, Resources } from './support/resources.js';

const resources = new Resources();
afterEach(() => resources.closeAll());

function ipv6LoopbackAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => probe.close(() => resolve(true)));
  });
}

describe('listen', () => {
  it('returns EADDRINUSE as a value naming the port', async () => {
    const first = resources.listener(expectOk(await listen({ host: '127.0.0.1', port: 0 }, () => {})));
    const port = first.address().port;
    const second = await listen({ host: '127.0.0.1', port }, () => {});
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.error.code).toBe('EADDRINUSE');
    expect(second.error.message).toContain(`127.0.0.1:${port}`);
    expect((second.error.cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
  });

  it('reports the bound address and family', async () => {
    const listener = resources.listener(expectOk(await listen({ host: '127.0.0.1', port: 0 }, () => {})));
    const address = listener.address();
    expect(address.address).toBe('127.0.0.1');
    expect(address.family).toBe('IPv4');
    expect(address.port).toBeGreaterThan(0);
    expect(listener.secure).toBe(false);
  });

  it('accepts over IPv6 loopback', async (context) => {
    if (!(await ipv6LoopbackAvailable())) context.skip();
    const accepted = deferred<string>();
    const listener = resources.listener(
      expectOk(
        await listen({ host: '::1', port: 0, ipv6Only: true }, (conn) =>
          accepted.resolve(conn.remoteAddress),
        ),
      ),
    );
    expect(listener.address().family).toBe('IPv6');
    const conn = resources.connection(
      expectOk(await connect({ host: '::1', port: listener.address().port })),
    );
    expect(conn.remoteAddress).toBe('::1');
    expect(await accepted.promise).toBe('::1');
  });

  it('refuses connections beyond maxConnections', async () => {
    const listener = resources.listener(
      expectOk(
        await listen({ host: '127.0.0.1', port: 0, maxConnections: 1 }, (conn) =>
          conn.setHandler({ data() {} }),
        ),
      ),
    );
    const port = listener.address().port;
    resources.connection(expectOk(await connect({ host: '127.0.0.1', port })));
    const second = resources.connection(expectOk(await connect({ host: '127.0.0.1', port })));
    const ended = deferred<unknown>();
    second.setHandler({ data() {}, end: ended.resolve });
    await ended.promise;
    expect(second.open).toBe(false);
    expect(listener.connections).toBe(1);
  });

  it('reusePort: a value when this Node cannot do it, two listeners on one port when it can', async () => {
    const first = await listen({ host: '127.0.0.1', port: 0, reusePort: true }, () => {});
    if (!reusePortSupported()) {
      expect(first.ok ? 'ok' : first.error.code).toBe('UNSUPPORTED');
      return;
    }
    const a = resources.listener(expectOk(first));
    const b = resources.listener(
      expectOk(await listen({ host: '127.0.0.1', port: a.address().port, reusePort: true }, () => {})),
    );
    expect(b.address().port).toBe(a.address().port);
  });

  it('knows which Node versions support reusePort', () => {
    expect(reusePortSupported('20.20.2')).toBe(false);
    expect(reusePortSupported('22.11.0')).toBe(false);
    expect(reusePortSupported('22.12.0')).toBe(true);
    expect(reusePortSupported('23.0.0')).toBe(false);
    expect(reusePortSupported('23.1.0')).toBe(true);
    expect(reusePortSupported('24.0.0')).toBe(true);
  });
});
