// The client-side suite: the suite is a raw server, the testee is an echo client that
// connects to ws://127.0.0.1:PORT/case/N, echoes every message and finishes when closed.
import { deflateParamsFrom, parseExtensions } from './deflate.js';
import { CaseFailure, CaseNotApplicable, describeEvent, expectEcho } from './expect.js';
import { acceptFor, buildAccept } from './handshake.js';
import { DEFAULT_WAIT_MS, Peer } from './peer.js';
import type { IncomingUpgrade, RawWebSocketServer } from './raw-server.js';
import { type CaseResult, type ConformanceCase, responseHeader, runCase } from './runner.js';
import type { EchoClientTarget, RunningEchoClient } from './targets.js';
import { OP } from './wire.js';

/** A broken or unexpected 101 the client must refuse (RFC 6455 §4.1, RFC 7692 §5). */
interface BadResponseCase {
  id: string;
  title: string;
  /** The response head, or null when the case does not apply to this client's offer. */
  respond(key: string, offer: string | undefined): string | null;
}

const ACCEPT_ONLY = (key: string, extra: string[] = []) =>
  [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${acceptFor(key)}`,
    ...extra,
  ].join('\r\n') + '\r\n\r\n';

const offersDeflate = (offer: string | undefined) =>
  !!offer && parseExtensions(offer).some((e) => e.name === 'permessage-deflate');

export const badResponseSection: BadResponseCase[] = [
  {
    id: '0.4.1',
    title: 'wrong Sec-WebSocket-Accept',
    respond: (key) => ACCEPT_ONLY(key).replace(acceptFor(key), acceptFor(`${key}x`)),
  },
  {
    id: '0.4.2',
    title: 'missing Sec-WebSocket-Accept',
    respond: (key) => ACCEPT_ONLY(key).replace(/Sec-WebSocket-Accept: [^\r]*\r\n/, ''),
  },
  {
    id: '0.4.3',
    title: 'status 200 instead of 101 (complete response, empty body)',
    // Content-Length: 0 makes the response complete: without it HTTP lets the body run to EOF.
    respond: (key) => ACCEPT_ONLY(key, ['Content-Length: 0']).replace('101 Switching Protocols', '200 OK'),
  },
  {
    id: '0.4.4',
    title: 'Upgrade: h2c',
    respond: (key) => ACCEPT_ONLY(key).replace('Upgrade: websocket', 'Upgrade: h2c'),
  },
  {
    id: '0.4.5',
    title: 'an extension the client did not offer (x-unknown)',
    respond: (key) => ACCEPT_ONLY(key, ['Sec-WebSocket-Extensions: x-unknown']),
  },
  {
    id: '0.4.6',
    title: 'permessage-deflate although the client did not offer it',
    respond: (key, offer) =>
      offersDeflate(offer) ? null : ACCEPT_ONLY(key, ['Sec-WebSocket-Extensions: permessage-deflate']),
  },
  {
    id: '0.4.7',
    title: 'client_max_window_bits the client did not offer',
    respond: (key, offer) => {
      const pmd = offer ? parseExtensions(offer).find((e) => e.name === 'permessage-deflate') : undefined;
      if (!pmd || pmd.params.has('client_max_window_bits')) return null;
      return ACCEPT_ONLY(key, ['Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10']);
    },
  },
  {
    id: '0.4.8',
    title: 'permessage-deflate with an unknown parameter',
    respond: (key, offer) =>
      offersDeflate(offer) ? ACCEPT_ONLY(key, ['Sec-WebSocket-Extensions: permessage-deflate; foo=1']) : null,
  },
  {
    id: '0.4.9',
    title: 'permessage-deflate with server_max_window_bits=16',
    respond: (key, offer) =>
      offersDeflate(offer)
        ? ACCEPT_ONLY(key, ['Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=16'])
        : null,
  },
  {
    id: '0.4.10',
    title: 'permessage-deflate twice',
    respond: (key, offer) =>
      offersDeflate(offer)
        ? ACCEPT_ONLY(key, ['Sec-WebSocket-Extensions: permessage-deflate, permessage-deflate'])
        : null,
  },
  {
    id: '0.4.11',
    title: 'a subprotocol the client did not ask for',
    respond: (key) => ACCEPT_ONLY(key, ['Sec-WebSocket-Protocol: chat']),
  },
];

/** Client-only behaviour checked on a normal connection. */
export const clientOnlySection: ConformanceCase[] = [
  {
    id: '1.20.1',
    title: 'every client frame is masked, with keys that vary from frame to frame',
    testeeRole: 'client',
    async run(peer) {
      for (let i = 0; i < 20; i++) {
        const payload = Buffer.from(`message ${i} `.repeat(i + 1));
        peer.send({ opcode: OP.text, payload });
        await expectEcho(peer, OP.text, payload);
      }
      const keys = new Set(peer.received.map((f) => f.maskKey?.toString('hex')));
      if (keys.size < 10)
        throw new CaseFailure('random mask keys', `${keys.size} distinct keys in 20 frames`);
    },
  },
];

export interface ClientSuiteContext {
  server: RawWebSocketServer;
  target: EchoClientTarget;
}

let caseCounter = 0;

/** Starts the client for one case and completes the handshake the case asks for. */
async function openClientCase(ctx: ClientSuiteContext, c: ConformanceCase, started: RunningEchoClient[]) {
  const path = `/case/${++caseCounter}`;
  const arrival = ctx.server.expect(path, DEFAULT_WAIT_MS);
  started.push(ctx.target.run(`ws://127.0.0.1:${ctx.server.port}${path}`));
  const upgrade = await arrival;
  if (!upgrade) throw new CaseFailure('the client to connect', `no request within ${DEFAULT_WAIT_MS} ms`);
  const fail = (e: Error): never => {
    upgrade.socket.destroy();
    throw e;
  };
  let extensions: string | undefined;
  if (c.deflate) {
    const pmd = upgrade.offer
      ? parseExtensions(upgrade.offer).find((e) => e.name === 'permessage-deflate')
      : undefined;
    if (!pmd) return fail(new CaseNotApplicable('the client did not offer permessage-deflate'));
    if (typeof c.deflate.clientMaxWindowBits === 'number' && !pmd.params.has('client_max_window_bits')) {
      return fail(new CaseNotApplicable('the client did not offer client_max_window_bits'));
    }
    extensions = responseHeader(c.deflate);
  }
  upgrade.socket.write(buildAccept(upgrade.key, extensions));
  const ext = extensions ? parseExtensions(extensions)[0] : undefined;
  const peer = new Peer(upgrade.socket, 'server', ext ? deflateParamsFrom(ext) : null, upgrade.head.rest);
  peer.options = { strictFailFast: ctx.target.strictFailFast };
  upgrade.socket.resume();
  return peer;
}

/** The client must finish on its own once the connection is gone. */
async function expectClientFinished(client: RunningEchoClient): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const finished = await Promise.race([
    client.done.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), DEFAULT_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
  client.stop();
  return finished ? null : `the echo client did not finish within ${DEFAULT_WAIT_MS} ms after the close`;
}

export async function runClientCase(ctx: ClientSuiteContext, c: ConformanceCase): Promise<CaseResult> {
  const started: RunningEchoClient[] = [];
  const result = await runCase(c, (cc) => openClientCase(ctx, cc, started));
  for (const client of started) {
    if (result.verdict === 'failed') {
      // Already failed: stop it now rather than wait out a second timeout.
      client.stop();
      await expectClientFinished(client);
      continue;
    }
    const problem = await expectClientFinished(client);
    if (problem && result.verdict !== 'n/a') {
      return { ...result, verdict: 'failed', detail: problem };
    }
  }
  return result;
}

/** The client must not open the connection: no echo of what we send, TCP closed. */
export async function runBadResponseCase(ctx: ClientSuiteContext, c: BadResponseCase): Promise<CaseResult> {
  const path = `/case/${++caseCounter}`;
  const arrival = ctx.server.expect(path, DEFAULT_WAIT_MS);
  const client = ctx.target.run(`ws://127.0.0.1:${ctx.server.port}${path}`);
  const result = (verdict: CaseResult['verdict'], detail?: string): CaseResult => ({
    id: c.id,
    title: `client refuses a 101 with ${c.title}`,
    verdict,
    ...(detail ? { detail } : {}),
  });
  const upgrade = await arrival;
  const verdict = await judgeRefusal(c, upgrade, result);
  upgrade?.socket.destroy();
  const problem = await expectClientFinished(client);
  if (problem && verdict.verdict === 'ok') return result('failed', problem);
  return verdict;
}

async function judgeRefusal(
  c: BadResponseCase,
  upgrade: IncomingUpgrade | null,
  result: (verdict: CaseResult['verdict'], detail?: string) => CaseResult,
): Promise<CaseResult> {
  if (!upgrade) return result('failed', 'expected the client to connect; got no request');
  const head = c.respond(upgrade.key, upgrade.offer);
  if (head === null)
    return result('n/a', `does not apply to the offer ${JSON.stringify(upgrade.offer ?? '')}`);
  upgrade.socket.write(head);
  const peer = new Peer(upgrade.socket, 'server', null, upgrade.head.rest);
  upgrade.socket.resume();
  peer.send({ opcode: OP.text, payload: 'must not be echoed' });
  for (;;) {
    const e = await peer.next();
    if (e.kind === 'end') return result('ok');
    // A close frame is tolerable (the connection was never open, but no data flowed).
    if (e.kind === 'frame' && e.frame.opcode === OP.close) continue;
    return result('failed', `expected the client to close TCP without echoing; got ${describeEvent(e)}`);
  }
}

/** Bounded pool over a case list (client cases each start a client). */
export async function runPool<T>(items: T[], run: (item: T) => Promise<CaseResult>, size = 16) {
  const results: CaseResult[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await run(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}
