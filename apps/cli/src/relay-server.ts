import {
  createServer,
  err,
  ok,
  type ParleyError,
  type Result,
  type Server,
  type ServerConfig,
} from '@parley/facade';
import { MAX_FILE_MESSAGE } from './file-transfer-protocol.js';

/**
 * The three message-passing servers of the CLI, which differ only in who gets a message:
 * - `echo`: the sender, with the same type;
 * - `broadcast`: every client, the sender included (one frame encoded once);
 * - `transfer`: every client except the sender (so `send` and `receive` meet through it).
 */
export type RelayMode = 'echo' | 'broadcast' | 'transfer';

export interface RelayServerOptions {
  readonly mode: RelayMode;
  readonly port: number;
  readonly host: string;
  readonly deflate: boolean;
  /** PEM strings or file paths: serve wss://. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export async function startRelayServer(options: RelayServerOptions): Promise<Result<Server, ParleyError>> {
  const config: ServerConfig = {
    port: options.port,
    host: options.host,
    server_id: options.mode,
    per_message_deflate: options.deflate,
    ...(options.tls === undefined ? {} : { tls: { cert: options.tls.cert, key: options.tls.key } }),
    // The transfer relay forwards whole files (one message each, up to MAX_FILE_MESSAGE) to
    // receivers that may read slower than the sender writes: queue for them (the sender paces
    // itself) instead of closing with 1013.
    ...(options.mode === 'transfer'
      ? { max_payload: MAX_FILE_MESSAGE, backpressure: { policy: 'wait' as const } }
      : {}),
  };
  let server: Server | null = null;
  const created = createServer(config, {
    message(session, data, binary) {
      if (options.mode === 'echo') session.send(data, { binary });
      else if (options.mode === 'broadcast') server?.broadcast(data, { binary });
      else server?.broadcast(data, { binary, except: session });
    },
  });
  if (!created.ok) return err({ code: created.error.code, message: created.error.message });
  server = created.value;
  const started = await server.start();
  if (!started.ok) return err({ code: started.error.code, message: started.error.message });
  return ok(server);
}
