// Public API of @parley/chat: start the chat server from code, reuse the chat logic on
// another transport, or speak its protocol.
export type { Bus, RoomEvent, RoomEventListener } from './bus.js';
export {
  type ChatPeer,
  type ChatSession,
  ChatService,
  type ChatServiceOptions,
  type RoomFanout,
  type WireFormat,
} from './chat-service.js';
export { CHAT_PATH, type ChatServer, type ChatServerOptions, startChatServer } from './chat-server.js';
export type { HealthReport } from './health.js';
export { MemoryBus } from './memory-bus.js';
export {
  CHAT_SUBPROTOCOL,
  type ChatErrorCode,
  ChatLimits,
  type ChatMessage,
  type ClientMessage,
  ClientMessageSchema,
  parseClientMessage,
  parseServerMessage,
  type RoomSummary,
  type ServerMessage,
  ServerMessageSchema,
} from './protocol.js';
export { RedisBus, type RedisBusError, type RedisBusOptions } from './redis-bus.js';
export { DEFAULT_RATE_LIMIT, type RateLimit } from './token-bucket.js';
export { runTerminalClient, type TerminalClientOptions } from './terminal-client.js';

export const PACKAGE_NAME = '@parley/chat';
