// Parley's echo server and client as testees, found by dynamic import so the suites run (and
// skip these targets with a reason) before apps/echo has its entry points.
import {
  MAX_PAYLOAD,
  type EchoClientTarget,
  type EchoServerTarget,
  type RunningEchoServer,
} from './targets.js';

type AnyFn = (...args: unknown[]) => unknown;

async function loadEchoModule(): Promise<Record<string, unknown> | null> {
  try {
    return (await import('../../src/index.js')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Unwraps a `Result` ({ ok: true, value } | { ok: false, error }) or passes a plain value on. */
function unwrap(value: unknown, what: string): unknown {
  if (value && typeof value === 'object' && 'ok' in value) {
    const r = value as { ok: boolean; value?: unknown; error?: { message?: string } };
    if (!r.ok) throw new Error(`${what} failed: ${r.error?.message ?? JSON.stringify(r.error)}`);
    return r.value;
  }
  return value;
}

function portOf(running: Record<string, unknown>): { port: number; path: string } {
  const rawUrl = running.url as unknown;
  const url = typeof rawUrl === 'function' ? (rawUrl as AnyFn).call(running) : rawUrl;
  if (typeof url === 'string' && url.startsWith('ws')) {
    const u = new URL(url);
    return { port: Number(u.port), path: u.pathname || '/' };
  }
  if (typeof running.port === 'number') return { port: running.port, path: String(running.path ?? '/') };
  const addr = typeof running.address === 'function' ? (running.address as AnyFn)() : undefined;
  if (addr && typeof addr === 'object' && 'port' in addr) return { port: Number(addr.port), path: '/' };
  throw new Error(`cannot find the port of the running echo server: keys ${Object.keys(running).join(', ')}`);
}

export async function loadParleyServer(): Promise<{ target: EchoServerTarget | null; reason: string }> {
  const mod = await loadEchoModule();
  const start = mod?.startEchoServer;
  if (typeof start !== 'function')
    return { target: null, reason: 'apps/echo does not export startEchoServer yet' };
  const target: EchoServerTarget = {
    name: 'parley',
    strictFailFast: true,
    async start({ deflate, path }) {
      const running = unwrap(
        await (start as AnyFn)({ host: '127.0.0.1', port: 0, path, deflate, maxPayload: MAX_PAYLOAD }),
        'startEchoServer',
      ) as Record<string, unknown>;
      const served = portOf(running);
      const server: RunningEchoServer = {
        port: served.port,
        path: served.path,
        pathEnforced: served.path !== '/',
        close: async () => {
          const stop = (running.close ?? running.stop) as AnyFn | undefined;
          await stop?.call(running);
        },
      };
      return server;
    },
  };
  return { target, reason: '' };
}

export async function loadParleyClient(): Promise<{ target: EchoClientTarget | null; reason: string }> {
  const mod = await loadEchoModule();
  const run = mod?.runEchoClient;
  if (typeof run !== 'function')
    return { target: null, reason: 'apps/echo does not export runEchoClient yet' };
  return {
    target: {
      name: 'parley',
      strictFailFast: true,
      run(url) {
        const controller = new AbortController();
        const done = Promise.resolve()
          .then(() => (run as AnyFn)(url, { signal: controller.signal, maxPayload: MAX_PAYLOAD }))
          .catch(() => undefined);
        return { done, stop: () => controller.abort() };
      },
    },
    reason: '',
  };
}
