import { sharedHeartbeatWheel } from '../core/heartbeat-wheel.js';
import type { ProtocolConnectionOptions } from '../core/protocol-connection.js';
import type { ClientConfig } from './config.js';
import type { Upgraded } from './upgrade.js';

/**
 * The session core's options for one client connection: the codec in the client role
 * (masking), the negotiated deflate parameters, the shared heartbeat wheel for
 * `ping_interval`, and the same backpressure block as the server.
 */
export function clientConnectionOptions(config: ClientConfig, upgraded: Upgraded): ProtocolConnectionOptions {
  const deflate = config.per_message_deflate;
  return {
    protocol: {
      role: 'client',
      maxPayload: config.max_payload,
      maxFragments: config.max_fragments,
      fragmentSize: config.fragment_size,
      deflate: upgraded.deflate,
      autoPong: true,
      ...(typeof deflate === 'object' ? { deflateThreshold: deflate.threshold } : {}),
    },
    backpressure: {
      maxBuffered: config.backpressure.max_buffered,
      policy: config.backpressure.policy,
      closeCode: config.backpressure.close_code,
      pauseReading: config.backpressure.pause_reading,
    },
    heartbeat: config.ping_interval > 0 ? sharedHeartbeatWheel(config.ping_interval) : null,
    closeTimeout: config.close_timeout,
  };
}
