/**
 * `chat client`: a readline prompt on the facade's client. Speaks `parley-chat.v1`, joins the
 * room on every (re)connect, prints incoming lines as `nick: text`, and says when the
 * connection drops and comes back (the facade reconnects with backoff).
 *
 * Commands: `/join <room>`, `/rooms`, `/who`, `/quit`; anything else is a chat line.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createClient } from '@parley/facade';
import { CHAT_SUBPROTOCOL, type ClientMessage, parseServerMessage, type ServerMessage } from './protocol.js';
import { formatChatLine } from './render.js';

export interface TerminalClientOptions {
  nick: string;
  room: string;
  /** `ws://host:port/chat` */
  url: string;
  input: Readable;
  output: Writable & { isTTY?: boolean };
}

/** How one server message reads in the terminal (`null`: nothing to print). */
export function describeServerMessage(message: ServerMessage, me: string): string | null {
  switch (message.type) {
    case 'message':
      return formatChatLine(message.nick, message.text);
    case 'joined': {
      if (message.you) return `* you joined ${message.room} as ${message.nick} (${message.online} online)`;
      const others = (message.nicks ?? [message.nick]).filter((nick) => nick !== me);
      return others.length === 0
        ? null
        : `* ${others.join(', ')} joined ${message.room} (${message.online} online)`;
    }
    case 'left':
      return `* ${(message.nicks ?? [message.nick]).join(', ')} left ${message.room} (${message.online} online)`;
    case 'history':
      return message.messages.length === 0
        ? null
        : message.messages.map((m) => formatChatLine(m.nick, m.text)).join('\n');
    case 'presence':
      return `* online in ${message.room}: ${message.users.map((u) => (u === me ? `${u} (you)` : u)).join(', ')}`;
    case 'rooms':
      return message.list.length === 0
        ? '* no rooms'
        : `* rooms: ${message.list.map((r) => `${r.name} (${r.online})`).join(', ')}`;
    case 'error':
      return `* error: ${message.message}`;
    case 'welcome':
    case 'typing':
      return null;
  }
}

export async function runTerminalClient(options: TerminalClientOptions): Promise<number> {
  const { output } = options;
  let room = options.room;
  const url = new URL(options.url);
  url.searchParams.set('name', options.nick);
  const rl = createInterface({ input: options.input, output, terminal: output.isTTY === true, prompt: '> ' });
  /** The `> ` prompt only makes sense on a terminal. */
  const prompt = () => {
    if (output.isTTY) rl.prompt();
  };
  const print = (line: string) => {
    if (output.isTTY) {
      output.write(`\r\x1b[K${line}\n`);
      rl.prompt(true);
    } else {
      output.write(`${line}\n`);
    }
  };

  const created = createClient({
    url: url.toString(),
    client_id: options.nick,
    protocols: [CHAT_SUBPROTOCOL],
    per_message_deflate: false,
    reconnect: { enabled: true, min_wait: 200, max_wait: 5_000 },
  });
  if (!created.ok) {
    print(`* ${created.error.message}`);
    rl.close();
    return 2;
  }
  const client = created.value;
  const send = (message: ClientMessage) => {
    // The facade would queue it for the reconnect, but it would arrive before our join.
    if (client.readyState !== 'open') {
      print('* not connected right now: not sent');
      return;
    }
    const sent = client.send(JSON.stringify(message));
    if (!sent.ok) print(`* not sent: ${sent.error.message}`);
  };

  client.on('open', (info) => {
    if (info.reconnects > 0) print(`* reconnected to ${info.url}`);
    send({ type: 'join', room, nick: options.nick });
  });
  client.on('message', (data) => {
    if (typeof data !== 'string') return;
    const message = parseServerMessage(data);
    if (message === null) return;
    if (message.type === 'joined' && message.you) room = message.room;
    const line = describeServerMessage(message, options.nick);
    if (line !== null) print(line);
  });
  let opened = false;
  client.on('reconnecting', (info) => {
    const wait = `${(info.wait_time / 1000).toFixed(1)}s (attempt ${info.retries})`;
    print(
      opened
        ? `* connection lost (${info.reason}); reconnecting in ${wait}`
        : `* cannot connect (${info.reason}); retrying in ${wait}`,
    );
  });
  client.on('close', (info) => {
    if (!info.willReconnect && info.initiatedBy !== 'local') print(`* disconnected: ${info.diagnostic}`);
  });

  print(
    `* connecting to ${options.url} as ${options.nick} (room ${room}); /join <room>, /rooms, /who, /quit`,
  );
  return new Promise<number>((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      void client.stop(1000, 'bye').then(() => resolve(0));
    };
    client.on('open', () => {
      opened = true;
    });
    // Not awaited: with reconnect on, start() settles only once a connection opens, and the
    // prompt (and /quit, or end of input) must work meanwhile.
    void client.start().then((started) => {
      if (!started.ok && !finished) {
        print(`* cannot connect: ${started.error.message}`);
        rl.close();
      }
    });
    prompt();
    rl.on('line', (raw) => {
      const line = raw.trim();
      if (line === '') {
        prompt();
        return;
      }
      if (line === '/quit') {
        rl.close();
        return;
      }
      if (line === '/rooms') send({ type: 'rooms' });
      else if (line === '/who') send({ type: 'who' });
      else if (line.startsWith('/join '))
        send({ type: 'join', room: line.slice(6).trim(), nick: options.nick });
      else send({ type: 'say', text: line });
      prompt();
    });
    rl.on('close', finish);
    // Ctrl+C on a terminal: leave cleanly (readline would otherwise only pause).
    rl.on('SIGINT', () => rl.close());
  });
}
