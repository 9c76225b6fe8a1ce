import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ServerEvent, type Session, type SessionHandler, withSchema } from '../src/index.js';
import { nextEvent, nextMessage, openClient, startServer } from './helpers/harness.js';

describe('handler objects', () => {
  it('calls open, message and close on the handler given to createServer', async () => {
    const calls: string[] = [];
    const { url } = await startServer(
      {},
      {
        open: () => calls.push('open'),
        message: (_s, data) => calls.push(`message ${String(data)}`),
        close: (_s, details) => calls.push(`close ${details.code}`),
      },
    );
    const client = await openClient(url);
    client.send('one');
    client.close(1000);
    // The server reports the close before it ends TCP, so the client's 'close' comes after.
    await once(client, 'close');
    expect(calls).toEqual(['open', 'message one', 'close 1000']);
  });

  it('setHandler hands a live session from a lobby to a room without dropping messages', async () => {
    const lobbySaw: string[] = [];
    const roomSaw: string[] = [];
    const room: SessionHandler = {
      enter: (session) => session.send('entered room'),
      message: (session, data) => {
        roomSaw.push(String(data));
        session.send(`room got ${String(data)}`);
      },
    };
    const lobby: SessionHandler = {
      message(session, data) {
        lobbySaw.push(String(data));
        if (data === 'join') session.setHandler(room);
      },
    };
    const { url } = await startServer({}, lobby);
    const client = await openClient(url);
    const replies: string[] = [];
    const done = new Promise<void>((resolve) => {
      client.on('message', (data: Buffer) => {
        replies.push(data.toString());
        if (replies.length === 4) resolve();
      });
    });
    // Sent back to back: they may arrive in one TCP chunk, the hand-off happens between them.
    for (const text of ['hello', 'join', 'a', 'b', 'c']) client.send(text);
    await done;
    expect(lobbySaw).toEqual(['hello', 'join']);
    expect(roomSaw).toEqual(['a', 'b', 'c']);
    expect(replies).toEqual(['entered room', 'room got a', 'room got b', 'room got c']);
  });
});

describe('typed messages (zod)', () => {
  const Say = z.object({ type: z.literal('say'), text: z.string().min(1) });

  it('delivers parsed values and sends failures to invalid; the session stays open', async () => {
    const values: z.infer<typeof Say>[] = [];
    const invalid: string[] = [];
    const { url } = await startServer(
      {},
      withSchema(Say, {
        message(session, value) {
          values.push(value);
          session.send(`ok ${value.text}`);
        },
        invalid(session, issues) {
          invalid.push(issues.map((issue) => `${issue.path}:${issue.code}`).join(','));
          session.send('invalid');
        },
      }),
    );
    const client = await openClient(url);
    client.send('{"type":"say","text":""}');
    expect((await nextMessage(client)).data.toString()).toBe('invalid');
    client.send('not json');
    expect((await nextMessage(client)).data.toString()).toBe('invalid');
    client.send(JSON.stringify({ type: 'say', text: 'hi' }));
    expect((await nextMessage(client)).data.toString()).toBe('ok hi');
    expect(values).toEqual([{ type: 'say', text: 'hi' }]);
    expect(invalid).toEqual(['text:too_small', ':invalid_json']);
    expect(client.readyState).toBe(1);
  });
});

describe('pull style', () => {
  it('server.events() yields connection, message and disconnection in arrival order', async () => {
    const { server, url } = await startServer();
    const events = server.events();
    const client = await openClient(url);
    client.send('a');
    client.send(Buffer.from([7]));
    client.close(1000);
    const seen: string[] = [];
    for await (const event of events) {
      seen.push(describe_(event));
      if (event.type === 'disconnection') break;
    }
    expect(seen).toEqual(['connection', 'message a text', 'message 07 binary', 'disconnection 1000']);
  });

  it('pauses reading from sessions while the events queue is full, losing nothing', async () => {
    const { server, url } = await startServer({ event_queue_size: 4 });
    const events = server.events();
    const client = await openClient(url);
    const total = 200;
    for (let i = 0; i < total; i++) client.send(`m${i}`);
    const got: string[] = [];
    for await (const event of events) {
      if (event.type !== 'message') continue;
      got.push(String(event.data));
      if (got.length === total) break;
    }
    expect(got).toEqual(Array.from({ length: total }, (_, i) => `m${i}`));
  });

  it('for await over a session yields its messages until it closes', async () => {
    const collected: string[] = [];
    const finished = new Promise<void>((resolve) => {
      void startServer(
        {},
        {
          async open(session: Session) {
            for await (const { data } of session) collected.push(String(data));
            resolve();
          },
        },
      ).then(async ({ url }) => {
        const client = await openClient(url);
        client.send('x');
        client.send('y');
        client.close();
      });
    });
    await finished;
    expect(collected).toEqual(['x', 'y']);
  });
});

describe('events on the server', () => {
  it('emits ping and pong with the session', async () => {
    const { server, url } = await startServer();
    const client = await openClient(url);
    const ping = nextEvent(server, 'ping');
    client.ping('are you there');
    const [session, payload] = await ping;
    expect(payload.toString()).toBe('are you there');
    const pong = nextEvent(server, 'pong');
    session.ping('hb');
    expect((await pong)[1].toString()).toBe('hb');
  });
});

function describe_(event: ServerEvent<unknown>): string {
  if (event.type === 'connection') return 'connection';
  if (event.type === 'disconnection') return `disconnection ${event.data.code}`;
  return event.binary
    ? `message ${(event.data as Buffer).toString('hex')} binary`
    : `message ${String(event.data)} text`;
}
