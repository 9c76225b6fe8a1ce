/**
 * The bus connects one chat server to the rooms it serves: room events (fan-out across
 * servers), nick ownership and presence counts, and the per-room history. Two
 * implementations: `MemoryBus` (one process, the default) and `RedisBus` (many processes
 * sharing rooms through Redis). The chat logic only sees this interface.
 */
import type { ChatMessage, RoomSummary } from './protocol.js';

export type RoomEvent =
  | { type: 'message'; message: ChatMessage }
  | { type: 'joined'; room: string; nick: string; online: number }
  | { type: 'left'; room: string; nick: string; online: number }
  | { type: 'typing'; room: string; nick: string };

export type RoomEventListener = (event: RoomEvent) => void;

export interface Bus {
  /** Unique per server process; tags presence entries so a crashed server's can be removed. */
  readonly serverId: string;
  /** Short name for logs and the health endpoint: `memory` or `redis`. */
  readonly kind: 'memory' | 'redis';
  /**
   * Delivers `event` to this server's listener synchronously (so the sender sees its own
   * message in order) and to every other server sharing the bus.
   */
  publish(event: RoomEvent): void;
  /** Sets the one listener for events (local and remote). */
  onEvent(listener: RoomEventListener): void;
  /** Claims `nick` in `room`; resolves to the online count after joining, or `null` when taken. */
  claimNick(room: string, nick: string): Promise<number | null>;
  /** Releases `nick` in `room`; resolves to the online count after leaving. */
  releaseNick(room: string, nick: string): Promise<number>;
  members(room: string): Promise<string[]>;
  rooms(): Promise<RoomSummary[]>;
  /** Appends to the room's bounded history (fire and forget). */
  appendHistory(message: ChatMessage): void;
  /** The room's history, oldest first. */
  history(room: string): Promise<ChatMessage[]>;
  /** Releases every nick this server holds and disconnects. */
  close(): Promise<void>;
}
