/** The embedded bus: everything in this process's memory. */
import { randomUUID } from 'node:crypto';
import type { Bus, RoomEvent, RoomEventListener } from './bus.js';
import { HistoryRing } from './history-ring.js';
import { ChatLimits, type ChatMessage, type RoomSummary } from './protocol.js';
import { RoomDirectory } from './room-directory.js';

export class MemoryBus implements Bus {
  readonly kind = 'memory';
  readonly serverId: string;
  private listener: RoomEventListener = () => {};
  private readonly directory = new RoomDirectory();
  private readonly histories = new Map<string, HistoryRing<ChatMessage>>();

  constructor(options: { serverId?: string; historySize?: number } = {}) {
    this.serverId = options.serverId ?? randomUUID();
    this.historySize = options.historySize ?? ChatLimits.historySize;
  }

  private readonly historySize: number;

  publish(event: RoomEvent): void {
    this.listener(event);
  }

  onEvent(listener: RoomEventListener): void {
    this.listener = listener;
  }

  async claimNick(room: string, nick: string): Promise<number | null> {
    return this.directory.claim(room, nick) ? this.directory.online(room) : null;
  }

  async releaseNick(room: string, nick: string): Promise<number> {
    this.directory.release(room, nick);
    return this.directory.online(room);
  }

  async members(room: string): Promise<string[]> {
    return this.directory.members(room);
  }

  async rooms(): Promise<RoomSummary[]> {
    return this.directory.list();
  }

  appendHistory(message: ChatMessage): void {
    let ring = this.histories.get(message.room);
    if (!ring) {
      ring = new HistoryRing(this.historySize);
      this.histories.set(message.room, ring);
    }
    ring.push(message);
  }

  async history(room: string): Promise<ChatMessage[]> {
    return this.histories.get(room)?.recent() ?? [];
  }

  async close(): Promise<void> {}
}
