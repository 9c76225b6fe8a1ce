/**
 * The chat page: asks for a nickname, joins a room over `parley-chat.v1`, and keeps the
 * room list, online list and typing indicator current. Rejoins after every reconnect.
 */
import type { ServerMessage } from '../src/protocol.js';
import { ChatConnection } from './connection.js';
import { byId, clearMessages, showMessage, showNotice, showOnline, showRooms, showStatus } from './view.js';

const NICK_KEY = 'parley-chat.nick';
const TYPING_SEND_EVERY_MS = 2_000;
const TYPING_SHOW_MS = 3_000;
const ROOMS_REFRESH_MS = 15_000;

const state = {
  nick: null as string | null,
  room: (location.hash.slice(1) || 'lobby').toLowerCase(),
  /** The room we asked to join; becomes `room` when the server confirms. */
  wanted: null as string | null,
  /** Whether a join ever succeeded on this page (a failed first join asks for a nickname again). */
  joined: false,
  online: new Set<string>(),
  rooms: [] as { name: string; online: number }[],
  typing: new Map<string, ReturnType<typeof setTimeout>>(),
  lastTypingSent: 0,
};

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/chat`;
const connection = new ChatConnection(wsUrl, {
  state(s) {
    showStatus(s);
    if (s.kind === 'reconnecting' && s.attempt === 1) showNotice('connection lost — reconnecting…');
    if (s.kind === 'closed') showNotice(`disconnected: ${s.reason}`, 'error');
  },
  open() {
    if (state.nick) join(state.wanted ?? state.room);
  },
  message: handle,
});

function join(room: string): void {
  if (!state.nick) return;
  state.wanted = room;
  connection.send({ type: 'join', room, nick: state.nick });
}

function renderRooms(): void {
  showRooms(state.rooms, state.room, (room) => {
    if (room !== state.room) join(room);
    closeDrawers();
  });
}

/** Keeps the room list's count for `room` current from joined/left notices. */
function updateRoomCount(room: string, online: number): void {
  const entry = state.rooms.find((r) => r.name === room);
  if (entry) entry.online = online;
  else state.rooms.push({ name: room, online });
  renderRooms();
}

function listNames(nicks: string[]): string {
  return nicks.length <= 5
    ? nicks.join(', ')
    : `${nicks.slice(0, 5).join(', ')} and ${nicks.length - 5} others`;
}

function renderTyping(): void {
  const names = [...state.typing.keys()];
  byId('typing').textContent =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : `${names.join(', ')} are typing…`;
}

function handle(message: ServerMessage): void {
  switch (message.type) {
    case 'welcome':
      state.rooms = message.rooms;
      renderRooms();
      return;
    case 'history':
      if (message.room !== state.wanted && message.room !== state.room) return;
      clearMessages();
      for (const m of message.messages) showMessage(m, m.nick === state.nick);
      return;
    case 'joined':
      if (message.you) {
        state.room = message.room;
        state.wanted = null;
        state.joined = true;
        location.hash = message.room;
        state.online = new Set();
        showNotice(`you joined #${message.room} as ${message.nick} (${message.online} online)`);
        updateRoomCount(message.room, message.online);
        connection.send({ type: 'rooms' });
      } else if (message.room === state.room) {
        const nicks = message.nicks ?? [message.nick];
        for (const nick of nicks) state.online.add(nick);
        const others = nicks.filter((nick) => nick !== state.nick);
        if (others.length > 0) showNotice(`${listNames(others)} joined (${message.online} online)`);
        showOnline(state.online, state.nick);
        updateRoomCount(message.room, message.online);
      }
      return;
    case 'left': {
      if (message.room !== state.room) return;
      const nicks = message.nicks ?? [message.nick];
      for (const nick of nicks) state.online.delete(nick);
      showNotice(`${listNames(nicks)} left (${message.online} online)`);
      showOnline(state.online, state.nick);
      updateRoomCount(message.room, message.online);
      return;
    }
    case 'presence':
      if (message.room !== state.room) return;
      state.online = new Set(message.users);
      showOnline(state.online, state.nick);
      return;
    case 'rooms':
      state.rooms = message.list;
      renderRooms();
      return;
    case 'message':
      if (message.room !== state.room) return;
      clearTimeout(state.typing.get(message.nick));
      state.typing.delete(message.nick);
      renderTyping();
      showMessage(message, message.nick === state.nick);
      return;
    case 'typing': {
      if (message.room !== state.room || message.nick === state.nick) return;
      clearTimeout(state.typing.get(message.nick));
      state.typing.set(
        message.nick,
        setTimeout(() => {
          state.typing.delete(message.nick);
          renderTyping();
        }, TYPING_SHOW_MS),
      );
      renderTyping();
      return;
    }
    case 'error':
      if (!state.joined && state.wanted !== null) {
        // The first join failed (nick taken, bad name): ask again.
        state.nick = null;
        askNick(message.message);
        return;
      }
      state.wanted = null;
      showNotice(message.message, 'error');
      return;
  }
}

function askNick(problem = ''): void {
  const dialog = byId<HTMLDialogElement>('nick-dialog');
  byId('nick-error').textContent = problem;
  byId<HTMLInputElement>('nick').value = localStorage.getItem(NICK_KEY) ?? '';
  byId<HTMLInputElement>('room').value = state.wanted ?? state.room;
  if (!dialog.open) dialog.showModal();
}

byId<HTMLFormElement>('nick-form').addEventListener('submit', () => {
  const nick = byId<HTMLInputElement>('nick').value.trim();
  const room = byId<HTMLInputElement>('room').value.trim().toLowerCase() || 'lobby';
  state.nick = nick;
  localStorage.setItem(NICK_KEY, nick);
  join(room);
});

// Escape would close the dialog with no nickname and leave the page unusable.
byId<HTMLDialogElement>('nick-dialog').addEventListener('cancel', (event) => event.preventDefault());

byId<HTMLFormElement>('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId<HTMLInputElement>('input');
  const text = input.value.trim();
  if (text && connection.send({ type: 'say', text })) input.value = '';
});

byId<HTMLInputElement>('input').addEventListener('input', () => {
  const now = Date.now();
  if (now - state.lastTypingSent < TYPING_SEND_EVERY_MS) return;
  state.lastTypingSent = now;
  connection.send({ type: 'typing' });
});

byId<HTMLFormElement>('new-room-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId<HTMLInputElement>('new-room');
  const room = input.value.trim().toLowerCase();
  if (!room) return;
  input.value = '';
  join(room);
  closeDrawers();
});

function toggleDrawer(buttonId: string, panelId: string): void {
  const panel = byId(panelId);
  const open = !panel.classList.contains('open');
  closeDrawers();
  panel.classList.toggle('open', open);
  byId(buttonId).setAttribute('aria-expanded', String(open));
}

function closeDrawers(): void {
  for (const [button, panel] of [
    ['toggle-rooms', 'rooms-panel'],
    ['toggle-online', 'online-panel'],
  ] as const) {
    byId(panel).classList.remove('open');
    byId(button).setAttribute('aria-expanded', 'false');
  }
}

// A tap on the conversation closes an open drawer (phone widths).
document.querySelector('.conversation')?.addEventListener('click', closeDrawers);
byId('toggle-rooms').addEventListener('click', () => toggleDrawer('toggle-rooms', 'rooms-panel'));
byId('toggle-online').addEventListener('click', () => toggleDrawer('toggle-online', 'online-panel'));
window.addEventListener('online', () => connection.retryNow());
// Other rooms' counts change without notices reaching us: refresh the list now and then.
setInterval(() => connection.send({ type: 'rooms' }), ROOMS_REFRESH_MS);

renderRooms();
connection.start();
askNick();
