/**
 * The scale-out bus: several chat server processes share rooms through Redis.
 *
 * Keys (prefix `parley-chat:` by default):
 * - `room:<room>:members`   hash nick → serverId. HSETNX claims a nick atomically across
 *                           servers; HLEN is the global online count.
 * - `room:<room>:history`   list of JSON messages, trimmed to the last `historySize`.
 * - `rooms`                 set of room names ever joined (the room list filters out empty ones).
 * - `server:<id>:members`   set of `room\nnick` this server holds, so its presence can be
 *                           removed when it dies without saying goodbye.
 * - `server:<id>:alive`     refreshed every `heartbeatMs`, expires after 3 × that.
 * - `servers`               set of server ids; a server whose alive key expired is swept.
 * Channel `events`: every room event as JSON `{ origin, event }`; a server ignores its own
 * (it delivered them locally already, in order).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Bus, RoomEvent, RoomEventListener } from './bus.js';
import { ChatLimits, type ChatMessage, type RoomSummary } from './protocol.js';

export interface RedisBusOptions {
  url: string;
  serverId?: string;
  prefix?: string;
  historySize?: number;
  heartbeatMs?: number;
  log?: (line: string) => void;
}

export type RedisBusError = { code: 'REDIS_UNAVAILABLE'; message: string; cause?: unknown };

// Deletes a presence entry only if it still belongs to the given server (a nick may have
// been claimed again by a live server since).
const RELEASE_IF_OWNER = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0`;

export class RedisBus implements Bus {
  readonly kind = 'redis';
  readonly serverId: string;
  private listener: RoomEventListener = () => {};
  private readonly prefix: string;
  private readonly historySize: number;
  private readonly heartbeatMs: number;
  private readonly log: (line: string) => void;
  private readonly channel: string;
  private heartbeat: NodeJS.Timeout | null = null;

  private constructor(
    private readonly command: Redis,
    private readonly subscriber: Redis,
    options: RedisBusOptions,
  ) {
    this.serverId = options.serverId ?? randomUUID();
    this.prefix = options.prefix ?? 'parley-chat:';
    this.historySize = options.historySize ?? ChatLimits.historySize;
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
    this.log = options.log ?? (() => {});
    this.channel = `${this.prefix}events`;
  }

  /** Connects both Redis connections, registers this server and sweeps dead servers. */
  static async connect(
    options: RedisBusOptions,
  ): Promise<{ ok: true; value: RedisBus } | { ok: false; error: RedisBusError }> {
    const redisOptions = { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true };
    const command = new Redis(options.url, redisOptions);
    const subscriber = new Redis(options.url, redisOptions);
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    command.on('error', onError);
    subscriber.on('error', onError);
    try {
      await Promise.all([command.connect(), subscriber.connect()]);
    } catch (failure) {
      command.disconnect();
      subscriber.disconnect();
      // The 'error' event says why (ECONNREFUSED, ...); the rejection only says "closed".
      const cause = errors[0] ?? failure;
      const why = cause instanceof Error ? cause.message : String(cause);
      return {
        ok: false,
        error: { code: 'REDIS_UNAVAILABLE', message: `cannot reach Redis at ${options.url}: ${why}`, cause },
      };
    }
    const bus = new RedisBus(command, subscriber, options);
    command.off('error', onError);
    subscriber.off('error', onError);
    const logError = (error: unknown) => bus.log(`redis: ${String(error)}`);
    command.on('error', logError);
    subscriber.on('error', logError);
    await bus.start();
    return { ok: true, value: bus };
  }

  private key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  private async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      let parsed: { origin: string; event: RoomEvent };
      try {
        parsed = JSON.parse(raw) as { origin: string; event: RoomEvent };
      } catch {
        return;
      }
      if (parsed.origin !== this.serverId) this.listener(parsed.event);
    });
    await this.subscriber.subscribe(this.channel);
    await this.beat();
    await this.sweepDeadServers();
    this.heartbeat = setInterval(() => {
      void this.beat()
        .then(() => this.sweepDeadServers())
        .catch((error: unknown) => this.log(`redis heartbeat failed: ${String(error)}`));
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  private async beat(): Promise<void> {
    await this.command
      .multi()
      .sadd(this.key('servers'), this.serverId)
      .set(this.key('server', this.serverId, 'alive'), String(Date.now()), 'PX', this.heartbeatMs * 3)
      .exec();
  }

  /** Removes the presence of servers whose heartbeat expired (crashed or killed). */
  async sweepDeadServers(): Promise<number> {
    const servers = await this.command.smembers(this.key('servers'));
    let removed = 0;
    for (const id of servers) {
      if (id === this.serverId) continue;
      if ((await this.command.exists(this.key('server', id, 'alive'))) === 1) continue;
      removed += await this.removeServerPresence(id, true);
      await this.command.srem(this.key('servers'), id);
    }
    return removed;
  }

  private async removeServerPresence(id: string, announce: boolean): Promise<number> {
    const membersKey = this.key('server', id, 'members');
    const entries = await this.command.smembers(membersKey);
    let removed = 0;
    for (const entry of entries) {
      const [room, nick] = entry.split('\n') as [string, string];
      const deleted = (await this.command.eval(
        RELEASE_IF_OWNER,
        1,
        this.key('room', room, 'members'),
        nick,
        id,
      )) as number;
      if (deleted === 1) {
        removed += 1;
        if (announce) {
          const online = await this.command.hlen(this.key('room', room, 'members'));
          this.publish({ type: 'left', room, nick, online });
        }
      }
    }
    await this.command.del(membersKey);
    return removed;
  }

  publish(event: RoomEvent): void {
    this.listener(event);
    this.command
      .publish(this.channel, JSON.stringify({ origin: this.serverId, event }))
      .catch((error: unknown) => this.log(`redis publish failed: ${String(error)}`));
  }

  onEvent(listener: RoomEventListener): void {
    this.listener = listener;
  }

  async claimNick(room: string, nick: string): Promise<number | null> {
    const membersKey = this.key('room', room, 'members');
    const claimed = await this.command.hsetnx(membersKey, nick, this.serverId);
    if (claimed === 0) return null;
    const result = await this.command
      .multi()
      .sadd(this.key('server', this.serverId, 'members'), `${room}\n${nick}`)
      .sadd(this.key('rooms'), room)
      .hlen(membersKey)
      .exec();
    return Number(result?.[2]?.[1] ?? 1);
  }

  async releaseNick(room: string, nick: string): Promise<number> {
    const membersKey = this.key('room', room, 'members');
    await this.command.eval(RELEASE_IF_OWNER, 1, membersKey, nick, this.serverId);
    const result = await this.command
      .multi()
      .srem(this.key('server', this.serverId, 'members'), `${room}\n${nick}`)
      .hlen(membersKey)
      .exec();
    return Number(result?.[1]?.[1] ?? 0);
  }

  async members(room: string): Promise<string[]> {
    return (await this.command.hkeys(this.key('room', room, 'members'))).sort();
  }

  async rooms(): Promise<RoomSummary[]> {
    const names = (await this.command.smembers(this.key('rooms'))).sort();
    if (names.length === 0) return [];
    const pipeline = this.command.pipeline();
    for (const name of names) pipeline.hlen(this.key('room', name, 'members'));
    const counts = (await pipeline.exec()) ?? [];
    const list: RoomSummary[] = [];
    names.forEach((name, i) => {
      const online = Number(counts[i]?.[1] ?? 0);
      if (online > 0) list.push({ name, online });
    });
    return list;
  }

  appendHistory(message: ChatMessage): void {
    const historyKey = this.key('room', message.room, 'history');
    this.command
      .multi()
      .rpush(historyKey, JSON.stringify(message))
      .ltrim(historyKey, -this.historySize, -1)
      .exec()
      .catch((error: unknown) => this.log(`redis history append failed: ${String(error)}`));
  }

  async history(room: string): Promise<ChatMessage[]> {
    const raw = await this.command.lrange(this.key('room', room, 'history'), -this.historySize, -1);
    const out: ChatMessage[] = [];
    for (const item of raw) {
      try {
        out.push(JSON.parse(item) as ChatMessage);
      } catch {
        // a foreign or corrupt entry: skip it
      }
    }
    return out;
  }

  /** Releases this server's presence, deregisters it and disconnects. */
  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    try {
      await this.removeServerPresence(this.serverId, false);
      await this.command
        .multi()
        .srem(this.key('servers'), this.serverId)
        .del(this.key('server', this.serverId, 'alive'))
        .exec();
      await this.subscriber.quit();
      await this.command.quit();
    } catch (error) {
      this.log(`redis close failed: ${String(error)}`);
      this.subscriber.disconnect();
      this.command.disconnect();
    }
  }
}
