/**
 * How room events look on the wire. Plain-text clients (no subprotocol) get the seed
 * tutorial's format: `nick: text` for messages and `* ...` notice lines; `parley-chat.v1`
 * clients get JSON. Each event is rendered once per format and fanned out to the room.
 */
import type { RoomEvent } from './bus.js';
import type { ChatMessage, ServerMessage } from './protocol.js';

export function formatChatLine(nick: string, text: string): string {
  return `${nick}: ${text}`;
}

export function formatJoinNotice(nick: string, room: string, online: number): string {
  return `* ${nick} joined ${room} (${online} online)`;
}

export function formatLeaveNotice(nick: string, room: string, online: number): string {
  return `* ${nick} left ${room} (${online} online)`;
}

/** The plain-text line for an event, or `null` when plain clients don't see it (typing). */
export function renderTextLine(event: RoomEvent): string | null {
  switch (event.type) {
    case 'message':
      return formatChatLine(event.message.nick, event.message.text);
    case 'joined':
      return formatJoinNotice(event.nick, event.room, event.online);
    case 'left':
      return formatLeaveNotice(event.nick, event.room, event.online);
    case 'typing':
      return null;
  }
}

export function renderServerMessage(event: RoomEvent): ServerMessage {
  switch (event.type) {
    case 'message':
      return { type: 'message', ...event.message };
    case 'joined':
      return { type: 'joined', room: event.room, nick: event.nick, online: event.online };
    case 'left':
      return { type: 'left', room: event.room, nick: event.nick, online: event.online };
    case 'typing':
      return { type: 'typing', room: event.room, nick: event.nick };
  }
}

export function renderHistoryLines(messages: readonly ChatMessage[]): string[] {
  return messages.map((m) => formatChatLine(m.nick, m.text));
}
