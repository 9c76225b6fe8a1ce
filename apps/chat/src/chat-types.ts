/** The shapes the chat logic (`ChatService`) exchanges with the transport that carries it. */
import type { RateLimit } from './token-bucket.js';

export type WireFormat = 'text' | 'json';

/** One connection as the chat sees it. */
export interface ChatPeer {
  send(data: string): void;
  close(code: number, reason: string): void;
}

/** Topic fan-out provided by the transport (the facade's topics, or a Set per topic on ws). */
export interface RoomFanout<P extends ChatPeer> {
  subscribe(peer: P, topic: string): void;
  unsubscribe(peer: P, topic: string): void;
  publish(topic: string, data: string): void;
}

export interface ChatServiceOptions {
  /** Per-connection message rate; `false` when the transport enforces one already. */
  rateLimit?: RateLimit | false;
  /** Room for connections that name none. */
  defaultRoom?: string;
  /** Clock in milliseconds (tests inject one). */
  now?: () => number;
  /** Called for problems worth a log line (bus failures). */
  log?: (line: string) => void;
  /** Runs a task a little later (join/leave notice batching); default: after NOTICE_DELAY_MS. */
  schedule?: (task: () => void) => void;
}

export interface ChatSession<P extends ChatPeer> {
  readonly peer: P;
  readonly format: WireFormat;
  nick: string | null;
  room: string | null;
}
