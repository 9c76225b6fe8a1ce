import { type PerMessageDeflateParams, type ProtocolOptions, resolveProtocolOptions } from '@parley/codec';
import type { HeadLimits } from '@parley/handshake';
import type { ResolvedServerConfig } from '../config/server-config.js';
import type { BackpressureOptions, ProtocolConnectionOptions } from '../core/protocol-connection.js';
import type { HeartbeatWheel } from '../core/heartbeat-wheel.js';
import type { FanOutCompression } from './fan-out.js';

/**
 * What a server derives from its config once, in the shapes the lower layers take. Sessions
 * share these read-only objects, so an idle session carries no copy of its settings.
 */
export interface ServerSettings {
  readonly headLimits: HeadLimits;
  readonly backpressure: BackpressureOptions;
  /** Shared compression of broadcasts, or null when permessage-deflate is off. */
  readonly compression: FanOutCompression | null;
  /** Options of one session's core; only the negotiated deflate parameters differ per session. */
  coreOptions(deflate: PerMessageDeflateParams | null): ProtocolConnectionOptions;
}

export function serverSettings(config: ResolvedServerConfig, wheel: HeartbeatWheel | null): ServerSettings {
  const deflate = config.per_message_deflate;
  const protocolBase: Omit<ProtocolOptions, 'deflate'> = {
    role: 'server',
    maxPayload: config.max_payload,
    maxFragments: config.max_fragments,
    fragmentSize: config.fragment_size,
    deflateThreshold: deflate === false ? 1024 : deflate.threshold,
    ...(deflate === false ? {} : { deflateMemLevel: deflate.mem_level }),
    autoPong: true,
  };
  const backpressure: BackpressureOptions = Object.freeze({
    maxBuffered: config.backpressure.max_buffered,
    policy: config.backpressure.policy,
    closeCode: config.backpressure.close_code,
    pauseReading: config.backpressure.pause_reading,
  });
  const plainCoreOptions: ProtocolConnectionOptions = Object.freeze({
    protocol: resolveProtocolOptions({ ...protocolBase, deflate: null }),
    backpressure,
    heartbeat: wheel,
    closeTimeout: config.close_timeout,
  });
  return {
    headLimits: Object.freeze({
      maxHeadBytes: config.max_head_size,
      maxHeaders: config.max_headers,
      maxLineLength: config.max_head_size,
    }),
    backpressure,
    compression: deflate === false ? null : { threshold: deflate.threshold, memLevel: deflate.mem_level },
    // Sessions without permessage-deflate share one resolved (frozen) protocol options object
    // instead of each keeping its own copy.
    coreOptions: (negotiated) =>
      negotiated === null
        ? plainCoreOptions
        : {
            protocol: { ...protocolBase, deflate: negotiated },
            backpressure,
            heartbeat: wheel,
            closeTimeout: config.close_timeout,
          },
  };
}
