/**
 * The chat logic, independent of the WebSocket library underneath: sessions, rooms, nicks,
 * history replay, rate limits and the two wire formats. The server binds it to the facade
 * (`chat-server.ts`); the benchmark binds the very same class to `ws` for a fair comparison.
 *
 * Fan-out goes through topics: one per room and wire format, so each event is rendered once
 * per format and the transport can frame it once for every receiver.
 */
import type { Bus, RoomEvent } from './bus.js';
import {
  CHAT_SUBPROTOCOL,
  ChatLimits,
  type ChatErrorCode,
  type ChatMessage,
  NickSchema,
  parseClientMessage,
  RoomSchema,
  type ServerMessage,
} from './protocol.js';
import { type NoticeBatch, noticeLines, noticeMessages, PresenceNoticeBatcher } from './presence-notices.js';
import { renderHistoryLines, renderServerMessage, renderTextLine } from './render.js';
import type { ChatPeer, ChatServiceOptions, ChatSession, RoomFanout, WireFormat } from './chat-types.js';
import { guestCandidates, nickCandidates } from './nick-candidates.js';
import { DEFAULT_RATE_LIMIT, type RateLimit, TokenBucket } from './token-bucket.js';

export type { ChatPeer, ChatServiceOptions, ChatSession, RoomFanout, WireFormat } from './chat-types.js';

interface SessionState<P extends ChatPeer> extends ChatSession<P> {
  readonly bucket: TokenBucket | null;
  /** A join is in flight; messages wait here until it finishes. */
  pending: string[] | null;
  closed: boolean;
}

interface LocalRoom {
  text: number;
  json: number;
  readonly textTopic: string;
  readonly jsonTopic: string;
}

/** Messages kept while a join is in flight; more are dropped. */
const MAX_PENDING = 64;
/** Room messages a join keeps while it reads the history (the newest ones, if more arrive). */
const MAX_CAUGHT_UP = 1000;

export const CloseCodes = { GoingAway: 1001, PolicyViolation: 1008 } as const;

export class ChatService<P extends ChatPeer> {
  private readonly sessions = new Set<SessionState<P>>();
  private readonly localRooms = new Map<string, LocalRoom>();
  private readonly rateLimit: RateLimit | false;
  /** Joins and leaves still talking to the bus (awaited by `settled`). */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly defaultRoom: string;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly idPrefix: string;
  private sequence = 0;
  private readonly notices: PresenceNoticeBatcher;
  /**
   * Per room, one list per join in flight of the room's messages delivered while that join
   * reads the history: a message published after the history was read but before the newcomer
   * is subscribed would otherwise reach neither.
   */
  private readonly joining = new Map<string, Set<ChatMessage[]>>();

  constructor(
    private readonly bus: Bus,
    private readonly fanout: RoomFanout<P>,
    options: ChatServiceOptions = {},
  ) {
    this.rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
    this.defaultRoom = options.defaultRoom ?? 'lobby';
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
    this.idPrefix = bus.serverId.slice(0, 8);
    this.notices = new PresenceNoticeBatcher((batch) => this.deliverNotices(batch), options.schedule);
    bus.onEvent((event) => this.deliver(event));
  }

  get connections(): number {
    return this.sessions.size;
  }

  /** Rooms with members on this server (for health). */
  get localRoomCount(): number {
    return this.localRooms.size;
  }

  /**
   * A connection opened. Plain-text clients join `room` (or the default room) at once, as
   * `nick` or a generated guest name. JSON clients get a welcome and join when they ask, or
   * at once when the URL already named them.
   */
  open(
    peer: P,
    format: WireFormat,
    hints: { nick?: string | null; room?: string | null } = {},
  ): ChatSession<P> {
    const session: SessionState<P> = {
      peer,
      format,
      nick: null,
      room: null,
      bucket: this.rateLimit === false ? null : new TokenBucket(this.rateLimit, this.now()),
      pending: null,
      closed: false,
    };
    this.sessions.add(session);
    const room = hints.room && RoomSchema.safeParse(hints.room).success ? hints.room : this.defaultRoom;
    const nick = hints.nick && NickSchema.safeParse(hints.nick).success ? hints.nick : null;
    if (format === 'json') {
      void this.bus.rooms().then(
        (rooms) => {
          this.sendJson(session, {
            type: 'welcome',
            protocol: CHAT_SUBPROTOCOL,
            server: this.bus.serverId,
            rooms,
          });
          if (nick) this.track(this.join(session, room, [nick]));
        },
        (error) => this.log(`rooms lookup failed: ${String(error)}`),
      );
    } else {
      this.track(this.join(session, room, nick ? nickCandidates(nick) : guestCandidates(), nick === null));
    }
    return session;
  }

  /** One complete message from the peer. */
  receive(handle: ChatSession<P>, data: string, binary = false): void {
    const session = handle as SessionState<P>;
    if (session.closed) return;
    if (session.bucket !== null && !session.bucket.take(this.now())) {
      session.closed = true;
      session.peer.close(CloseCodes.PolicyViolation, 'rate limit exceeded');
      return;
    }
    if (binary) {
      this.refuse(session, 'bad_message', 'binary messages are not chat messages');
      return;
    }
    if (session.pending) {
      if (session.pending.length < MAX_PENDING) session.pending.push(data);
      return;
    }
    this.dispatch(session, data);
  }

  /** The connection is gone (any reason). */
  closed(handle: ChatSession<P>): void {
    const session = handle as SessionState<P>;
    if (!this.sessions.delete(session)) return;
    session.closed = true;
    this.track(this.leave(session));
  }

  /** Resolves when every join and leave in flight has finished (graceful shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(operation: Promise<void>): void {
    this.inFlight.add(operation);
    void operation.finally(() => this.inFlight.delete(operation));
  }

  /** Tells every client the server is going away (close 1001). */
  shutdown(reason = 'server shutting down'): void {
    for (const session of this.sessions) {
      session.closed = true;
      session.peer.close(CloseCodes.GoingAway, reason);
    }
  }

  private dispatch(session: SessionState<P>, data: string): void {
    if (session.format === 'text') this.say(session, data);
    else this.handleJson(session, data);
  }

  private handleJson(session: SessionState<P>, data: string): void {
    const parsed = parseClientMessage(data);
    if (!parsed.ok) {
      this.refuse(session, parsed.code, parsed.message);
      return;
    }
    const message = parsed.value;
    switch (message.type) {
      case 'say':
        this.say(session, message.text);
        return;
      case 'join': {
        const nick = message.nick ?? session.nick;
        if (!nick) {
          this.refuse(session, 'bad_nick', 'join needs a nick');
          return;
        }
        if (session.room === message.room && session.nick === nick) return;
        this.track(this.join(session, message.room, [nick]));
        return;
      }
      case 'leave':
        this.track(this.leave(session));
        return;
      case 'typing':
        if (session.room && session.nick)
          this.bus.publish({ type: 'typing', room: session.room, nick: session.nick });
        return;
      case 'rooms':
        void this.bus.rooms().then(
          (list) => this.sendJson(session, { type: 'rooms', list }),
          (error) => this.log(`rooms lookup failed: ${String(error)}`),
        );
        return;
      case 'who': {
        const room = session.room;
        if (!room) {
          this.refuse(session, 'not_joined', 'join a room first');
          return;
        }
        void this.bus.members(room).then(
          (users) => this.sendJson(session, { type: 'presence', room, users }),
          (error) => this.log(`presence lookup failed: ${String(error)}`),
        );
        return;
      }
      case 'history': {
        const room = session.room;
        if (!room) {
          this.refuse(session, 'not_joined', 'join a room first');
          return;
        }
        void this.bus.history(room).then(
          (messages) => this.sendJson(session, { type: 'history', room, messages }),
          (error) => this.log(`history lookup failed: ${String(error)}`),
        );
        return;
      }
    }
  }

  private say(session: SessionState<P>, text: string): void {
    const room = session.room;
    const nick = session.nick;
    if (!room || !nick) {
      this.refuse(session, 'not_joined', 'join a room first');
      return;
    }
    if (text.length === 0) return;
    if (text.length > ChatLimits.maxTextLength) {
      this.refuse(session, 'text_too_long', `messages are at most ${ChatLimits.maxTextLength} characters`);
      return;
    }
    const message = {
      room,
      nick,
      text,
      ts: this.now(),
      id: `${this.idPrefix}-${(++this.sequence).toString(36)}`,
    };
    this.bus.appendHistory(message);
    this.bus.publish({ type: 'message', message });
  }

  /** Claims the first free nick among `candidates` in `room`, replays history, announces. */
  private async join(
    session: SessionState<P>,
    room: string,
    candidates: string[],
    tellName = false,
  ): Promise<void> {
    session.pending ??= [];
    try {
      let nick: string | null = null;
      let online: number | null = null;
      for (const candidate of candidates) {
        online = await this.bus.claimNick(room, candidate);
        if (online !== null) {
          nick = candidate;
          break;
        }
      }
      if (nick === null || online === null) {
        this.refuse(session, 'nick_taken', `${candidates[0]} is already in ${room}`);
        return;
      }
      if (session.closed) {
        await this.bus.releaseNick(room, nick);
        return;
      }
      if (session.room) await this.leave(session);
      const caught = this.watchRoom(room);
      let history: ChatMessage[];
      let members: string[];
      try {
        history = await this.bus.history(room);
        members = session.format === 'json' ? await this.bus.members(room) : [];
      } finally {
        // From here to subscribe() nothing awaits: no message can fall in between.
        this.unwatchRoom(room, caught);
      }
      history = withCaughtUp(history, caught);
      if (session.closed) {
        await this.bus.releaseNick(room, nick);
        return;
      }
      session.room = room;
      session.nick = nick;
      if (session.format === 'text') {
        for (const line of renderHistoryLines(history)) session.peer.send(line);
        // The room's (batched) join notice reaches the newcomer too; say which name it got.
        if (tellName || nick !== candidates[0]) session.peer.send(`* you are ${nick}`);
      } else {
        this.sendJson(session, { type: 'history', room, messages: history });
        this.sendJson(session, { type: 'joined', room, nick, online, you: true });
        this.sendJson(session, { type: 'presence', room, users: members });
      }
      this.subscribe(session, room);
      this.bus.publish({ type: 'joined', room, nick, online });
    } catch (error) {
      this.log(`join failed: ${String(error)}`);
    } finally {
      const pending = session.pending;
      session.pending = null;
      if (pending && !session.closed) for (const data of pending) this.dispatch(session, data);
    }
  }

  private async leave(session: SessionState<P>): Promise<void> {
    const { room, nick } = session;
    if (!room || !nick) return;
    session.room = null;
    this.unsubscribe(session, room);
    try {
      const online = await this.bus.releaseNick(room, nick);
      this.bus.publish({ type: 'left', room, nick, online });
    } catch (error) {
      this.log(`leave failed: ${String(error)}`);
    }
  }

  private watchRoom(room: string): ChatMessage[] {
    const caught: ChatMessage[] = [];
    let watchers = this.joining.get(room);
    if (!watchers) {
      watchers = new Set();
      this.joining.set(room, watchers);
    }
    watchers.add(caught);
    return caught;
  }

  private unwatchRoom(room: string, caught: ChatMessage[]): void {
    const watchers = this.joining.get(room);
    if (!watchers) return;
    watchers.delete(caught);
    if (watchers.size === 0) this.joining.delete(room);
  }

  private subscribe(session: SessionState<P>, room: string): void {
    let local = this.localRooms.get(room);
    if (!local) {
      local = { text: 0, json: 0, textTopic: `text:${room}`, jsonTopic: `json:${room}` };
      this.localRooms.set(room, local);
    }
    local[session.format] += 1;
    this.fanout.subscribe(session.peer, session.format === 'text' ? local.textTopic : local.jsonTopic);
  }

  private unsubscribe(session: SessionState<P>, room: string): void {
    const local = this.localRooms.get(room);
    if (!local) return;
    local[session.format] -= 1;
    this.fanout.unsubscribe(session.peer, session.format === 'text' ? local.textTopic : local.jsonTopic);
    if (local.text === 0 && local.json === 0) this.localRooms.delete(room);
  }

  /** A room event (from this server or another): render once per format, fan out. */
  private deliver(event: RoomEvent): void {
    if (event.type === 'joined' || event.type === 'left') {
      this.notices.add(event);
      return;
    }
    const room = event.type === 'message' ? event.message.room : event.room;
    if (event.type === 'message') {
      for (const caught of this.joining.get(room) ?? []) {
        caught.push(event.message);
        if (caught.length > MAX_CAUGHT_UP) caught.shift();
      }
    }
    // Notices still waiting for the end of the turn go first, so nobody speaks before joining.
    this.notices.flush(room);
    const local = this.localRooms.get(room);
    if (!local) return;
    if (local.text > 0) {
      const line = renderTextLine(event);
      if (line !== null) this.fanout.publish(local.textTopic, line);
    }
    if (local.json > 0) this.fanout.publish(local.jsonTopic, JSON.stringify(renderServerMessage(event)));
  }

  private deliverNotices(batch: NoticeBatch): void {
    const local = this.localRooms.get(batch.room);
    if (!local) return;
    if (local.text > 0) for (const line of noticeLines(batch)) this.fanout.publish(local.textTopic, line);
    if (local.json > 0) {
      for (const message of noticeMessages(batch))
        this.fanout.publish(local.jsonTopic, JSON.stringify(message));
    }
  }

  private refuse(session: SessionState<P>, code: ChatErrorCode, message: string): void {
    if (session.format === 'json') this.sendJson(session, { type: 'error', code, message });
    else session.peer.send(`* error: ${message}`);
  }

  private sendJson(session: SessionState<P>, message: ServerMessage): void {
    if (!session.closed) session.peer.send(JSON.stringify(message));
  }
}

/** The history read by a join, then the messages delivered meanwhile that it does not hold (by id). */
function withCaughtUp(history: ChatMessage[], caught: readonly ChatMessage[]): ChatMessage[] {
  if (caught.length === 0) return history;
  const seen = new Set(history.map((message) => message.id));
  const missed = caught.filter((message) => !seen.has(message.id));
  return missed.length === 0 ? history : [...history, ...missed];
}
