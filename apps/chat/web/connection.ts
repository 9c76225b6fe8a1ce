/**
 * The browser side of `parley-chat.v1`: one WebSocket to `/chat`, reconnected with capped
 * exponential backoff when it drops. Messages that fail validation are ignored.
 */
import type { ClientMessage, ServerMessage } from '../src/protocol.js';

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'online' }
  | { kind: 'reconnecting'; inMs: number; attempt: number }
  | { kind: 'closed'; reason: string };

export interface ConnectionEvents {
  state(state: ConnectionState): void;
  /** Called on every (re)open: the place to (re)join the room. */
  open(): void;
  message(message: ServerMessage): void;
}

const SUBPROTOCOL = 'parley-chat.v1';
const MIN_WAIT_MS = 250;
const MAX_WAIT_MS = 8_000;
/** Close codes after which reconnecting would only repeat the problem. */
const FINAL_CODES = new Set([1008]);

export class ChatConnection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly url: string,
    private readonly events: ConnectionEvents,
  ) {}

  start(): void {
    this.events.state({ kind: 'connecting' });
    const socket = new WebSocket(this.url, SUBPROTOCOL);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.attempt = 0;
      this.events.state({ kind: 'online' });
      this.events.open();
    });
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      try {
        this.events.message(JSON.parse(event.data) as ServerMessage);
      } catch {
        // not JSON: ignore
      }
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (FINAL_CODES.has(event.code)) {
        this.events.state({ kind: 'closed', reason: event.reason || `closed (${event.code})` });
        return;
      }
      this.scheduleReconnect();
    });
  }

  send(message: ClientMessage): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private scheduleReconnect(): void {
    this.attempt += 1;
    const base = Math.min(MAX_WAIT_MS, MIN_WAIT_MS * 2 ** (this.attempt - 1));
    const inMs = Math.round(base * (0.8 + Math.random() * 0.2));
    this.events.state({ kind: 'reconnecting', inMs, attempt: this.attempt });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.start();
    }, inMs);
  }

  /** Reconnect now instead of waiting (the browser came back online). */
  retryNow(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.start();
  }
}
