import { type ClientCloseInfo, type ClientConfigInput, createClient } from '@parley/facade';

export interface EchoClientOptions {
  /** Offer permessage-deflate (default true). */
  deflate?: boolean;
  /** Largest message accepted; default 64 MiB (Autobahn sends up to 16 MiB). */
  maxPayload?: number;
  /** Aborting it drops the connection at once (test clean-up). */
  signal?: AbortSignal;
  /** Progress lines (connected, closed); default: none. */
  log?: (line: string) => void;
  /** Anything else of the facade's client config. */
  config?: Partial<ClientConfigInput>;
}

export interface EchoClientResult {
  /** False when the connection never opened (refused, bad handshake, ...). */
  readonly opened: boolean;
  /** Messages echoed back. */
  readonly echoed: number;
  readonly close: ClientCloseInfo;
}

/**
 * The facade's config for the echo client: the "testee client" of conformance suites. It
 * never reconnects and never pings on its own (a suite expects exactly one connection and
 * only the frames it provoked), ignores proxy variables (suites run on loopback), and stops
 * reading while its echoes are not being read instead of closing.
 */
export function echoClientConfig(url: string, options: EchoClientOptions = {}): ClientConfigInput {
  return {
    url,
    client_id: 'parley-echo-client',
    per_message_deflate: options.deflate ?? true,
    max_payload: options.maxPayload ?? 64 * 1024 * 1024,
    max_fragments: 1 << 20,
    ping_interval: 0,
    proxy: false,
    reconnect: { enabled: false },
    backpressure: { policy: 'wait', pause_reading: true },
    ...options.config,
  };
}

/**
 * Connects to `url` and echoes every message back with its type (text stays text, binary
 * stays binary); pings are answered and the close handshake completed by the protocol core.
 * Resolves when the connection has closed — never rejects.
 */
export async function runEchoClient(url: string, options: EchoClientOptions = {}): Promise<EchoClientResult> {
  const log = options.log ?? (() => {});
  const created = createClient(echoClientConfig(url, options));
  if (!created.ok) return neverOpened(created.error.message);
  if (options.signal?.aborted) return neverOpened('aborted before connecting');
  const client = created.value;
  let echoed = 0;
  let opened = false;
  client.on('open', (info) => {
    opened = true;
    log(`connected to ${info.url}${info.extensions ? ` (${info.extensions})` : ''}`);
  });
  client.on('message', (data, isBinary) => {
    if (client.send(data, { binary: isBinary }).ok) echoed++;
  });
  const closed = new Promise<ClientCloseInfo>((resolve) => client.once('close', resolve));
  const abort = (): void => client.terminate();
  options.signal?.addEventListener('abort', abort, { once: true });
  void client.start();
  const close = await closed;
  options.signal?.removeEventListener('abort', abort);
  log(`closed ${close.code}${close.reason ? ` ${close.reason}` : ''}`);
  return { opened, echoed, close };
}

function neverOpened(reason: string): EchoClientResult {
  return {
    opened: false,
    echoed: 0,
    close: {
      code: 1006,
      reason,
      wasClean: false,
      initiatedBy: 'local',
      diagnostic: reason,
      willReconnect: false,
      unsent: 0,
    },
  };
}
