/** DOM rendering for the chat page: messages, notices, rooms, online list, status. */
import type { ChatMessage, RoomSummary } from '../src/protocol.js';
import type { ConnectionState } from './connection.js';

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
}

const messages = () => byId<HTMLOListElement>('messages');
const MAX_LINES = 500;

function nickColor(nick: string): string {
  let hash = 0;
  for (const ch of nick) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return `hsl(${hash % 360} 60% 38%)`;
}

function timeOf(ts: number): string {
  return new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function append(item: HTMLLIElement): void {
  const list = messages();
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(item);
  while (list.childElementCount > MAX_LINES) list.firstElementChild?.remove();
  if (atBottom) list.scrollTop = list.scrollHeight;
}

/** One chat line; its text content reads `nick: text` (what tests and screen readers see). */
export function showMessage(message: ChatMessage, mine: boolean): void {
  const item = document.createElement('li');
  item.className = mine ? 'message mine' : 'message';
  item.dataset.id = message.id;
  const time = document.createElement('time');
  time.className = 'time';
  time.dateTime = new Date(message.ts).toISOString();
  time.textContent = timeOf(message.ts);
  time.setAttribute('aria-hidden', 'true');
  const nick = document.createElement('span');
  nick.className = 'nick';
  nick.style.color = nickColor(message.nick);
  nick.textContent = message.nick;
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = `: ${message.text}`;
  item.append(time, nick, text);
  append(item);
}

export function showNotice(text: string, kind: 'info' | 'error' = 'info'): void {
  const item = document.createElement('li');
  item.className = kind === 'error' ? 'notice error' : 'notice';
  item.textContent = text;
  append(item);
}

export function clearMessages(): void {
  messages().replaceChildren();
}

export function showRooms(rooms: RoomSummary[], current: string, onPick: (room: string) => void): void {
  const withCurrent = rooms.some((r) => r.name === current)
    ? rooms
    : [...rooms, { name: current, online: 0 }];
  byId('room-list').replaceChildren(
    ...withCurrent
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((room) => {
        const item = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.setAttribute('aria-current', String(room.name === current));
        const name = document.createElement('span');
        name.textContent = `#${room.name}`;
        const count = document.createElement('span');
        count.className = 'count';
        count.textContent = String(room.online);
        button.append(name, count);
        button.addEventListener('click', () => onPick(room.name));
        item.append(button);
        return item;
      }),
  );
  byId('room-title').textContent = `#${current}`;
}

export function showOnline(users: Iterable<string>, me: string | null): void {
  const sorted = [...users].sort((a, b) => a.localeCompare(b));
  byId('online-list').replaceChildren(
    ...sorted.map((nick) => {
      const item = document.createElement('li');
      item.textContent = nick === me ? `${nick} (you)` : nick;
      if (nick === me) item.className = 'me';
      return item;
    }),
  );
  byId('online-count').textContent = String(sorted.length);
}

export function showStatus(state: ConnectionState): void {
  const status = byId('status');
  const labels: Record<ConnectionState['kind'], string> = {
    connecting: 'connecting…',
    online: 'online',
    reconnecting: 'reconnecting…',
    closed: 'disconnected',
  };
  status.className = `status status-${state.kind === 'closed' ? 'reconnecting' : state.kind}`;
  status.textContent =
    state.kind === 'reconnecting' ? `reconnecting in ${Math.ceil(state.inMs / 1000)}s…` : labels[state.kind];
  const online = state.kind === 'online';
  byId<HTMLInputElement>('input').disabled = !online;
  byId<HTMLButtonElement>('send').disabled = !online;
}
