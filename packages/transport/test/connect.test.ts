import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, listen } from '../src/index.js';
import { expectOk, Resources } from './support/resources.js';
import {
  closeSilentServer,
  startFullBacklogServer,
  startSilentServer,
} from './support/unresponsive-servers.js';

const resources = new Resources();
afterEach(() => resources.closeAll());

/** A port that was free a moment ago: bind port 0, read it, close. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('connect errors are typed values', () => {
  it('ECONNREFUSED when nothing listens, with the errno error as cause', async () => {
    const port = await freePort();
    const result = await connect({ host: '127.0.0.1', port });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('ECONNREFUSED');
    expect(result.error.message).toBe(
      `connection to 127.0.0.1:${port} was refused: nothing is listening there`,
    );
    expect((result.error.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('ETIMEDOUT when the TCP handshake never completes (SYN dropped by a full backlog)', async (context) => {
    const full = await startFullBacklogServer().catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null; // no python3 on this machine
      throw error;
    });
    if (full === null) return context.skip();
    resources.onCleanup(() => {
      full.filler.destroy();
      full.child.kill();
    });
    const result = await connect({ host: '127.0.0.1', port: full.port, timeout: 150 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('ETIMEDOUT');
    expect(result.error.message).toContain('TCP connect took longer than 150 ms');
  });

  it('ETIMEDOUT when a TLS server accepts but never answers the handshake', async () => {
    const silent = await startSilentServer();
    resources.onCleanup(() => closeSilentServer(silent));
    const result = await connect({ host: '127.0.0.1', port: silent.port, tls: { ca: 'none' }, timeout: 100 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('ETIMEDOUT');
    expect(result.error.message).toContain('TCP connect + TLS handshake');
  });

  it('ABORTED when the signal fires mid-handshake, and when it was aborted before the call', async () => {
    const silent = await startSilentServer();
    resources.onCleanup(() => closeSilentServer(silent));
    const controller = new AbortController();
    const pending = connect({
      host: '127.0.0.1',
      port: silent.port,
      tls: { ca: 'none' },
      signal: controller.signal,
    });
    // Abort once the server has the TCP connection, i.e. during the TLS handshake.
    await new Promise<void>((resolve) => silent.server.once('connection', () => resolve()));
    controller.abort(new Error('user gave up'));
    const result = await pending;
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('ABORTED');
    expect((result.error.cause as Error).message).toBe('user gave up');

    const early = await connect({ host: '127.0.0.1', port: silent.port, signal: AbortSignal.abort() });
    expect(early.ok ? 'ok' : early.error.code).toBe('ABORTED');
  });

  it('rejects an out-of-range port as a value, not an exception', async () => {
    const result = await connect({ host: '127.0.0.1', port: 70000 });
    expect(result.ok ? 'ok' : result.error.message).toContain('port must be an integer 1..65535');
  });

  it('applies keepAlive and noDelay options to a working connection', async () => {
    const listener = resources.listener(expectOk(await listen({ host: '127.0.0.1', port: 0 }, () => {})));
    const port = listener.address().port;
    const conn = resources.connection(
      expectOk(await connect({ host: '127.0.0.1', port, keepAlive: 1000, noDelay: false })),
    );
    expect(conn.open).toBe(true);
    expect(conn.remotePort).toBe(port);
  });
});
