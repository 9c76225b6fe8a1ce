import { once } from 'node:events';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  buildAcceptResponse,
  buildClientRequest,
  buildRejectResponse,
  type HandshakeRejection,
  negotiatePerMessageDeflate,
  negotiateSubprotocol,
  type PerMessageDeflateOffer,
  type PerMessageDeflateServerOptions,
  type RequestHead,
  validateServerResponse,
  validateUpgradeRequest,
} from '../src/index.js';
import { exchangeHeads, rawUpgradeServer } from './raw-peers.js';

// Interop with `ws`, the reference Node implementation, over loopback: our server half
// against a ws client, our client half against a ws server. Both sides are strict about
// the handshake (ws fails on any parameter it did not offer), so agreement here is a
// real check of the bytes we produce and accept.

const servers: (Server | WebSocketServer)[] = [];
const sockets: (Socket | WebSocket)[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) {
    if (socket instanceof WebSocket) socket.terminate();
    else socket.destroy();
  }
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const track = { servers, sockets };
const rawServer = (answer: (head: RequestHead) => string | Buffer) => rawUpgradeServer(track, answer);

function upgradeAnswer(options: PerMessageDeflateServerOptions) {
  return (head: RequestHead): string | Buffer => {
    const upgrade = validateUpgradeRequest(head);
    if (!upgrade.ok) return buildRejectResponse(upgrade.error);
    const deflate = negotiatePerMessageDeflate(upgrade.value.extensionOffers, options);
    if (!deflate.ok) return buildRejectResponse(deflate.error);
    return buildAcceptResponse({
      key: upgrade.value.key,
      protocol: negotiateSubprotocol(upgrade.value.protocols, ['superchat', 'chat']),
      extensions: deflate.value?.responseHeader ?? '',
    });
  };
}

/** Opens a ws client; resolves with it and the Sec-WebSocket-Extensions it accepted. */
async function openWsClient(
  port: number,
  options: WebSocket.ClientOptions,
): Promise<{ client: WebSocket; extensions: string | undefined }> {
  const client = new WebSocket(`ws://127.0.0.1:${port}/room?x=1`, ['chat', 'superchat'], options);
  sockets.push(client);
  let extensions: string | undefined;
  client.once('upgrade', (response) => {
    extensions = response.headers['sec-websocket-extensions'];
  });
  await new Promise<void>((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  return { client, extensions };
}

describe('our server half against a ws client', () => {
  it('completes the default handshake with subprotocol and permessage-deflate', async () => {
    const { client, extensions } = await openWsClient(await rawServer(upgradeAnswer({})), {});
    expect(client.protocol).toBe('superchat');
    expect(client.extensions).toBe('permessage-deflate');
    expect(extensions).toBe('permessage-deflate');
  });

  it('imposes context takeover and client window limits ws accepts', async () => {
    const port = await rawServer(
      upgradeAnswer({
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        clientMaxWindowBits: 10,
      }),
    );
    const { extensions } = await openWsClient(port, {});
    expect(extensions).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits=10',
    );
  });

  it('honours a server window the ws client asks for', async () => {
    const port = await rawServer(upgradeAnswer({}));
    const { extensions } = await openWsClient(port, { perMessageDeflate: { serverMaxWindowBits: 10 } });
    expect(extensions).toBe('permessage-deflate; server_max_window_bits=10');
  });

  it('answers a ws client without compression with no extension', async () => {
    const { client, extensions } = await openWsClient(await rawServer(upgradeAnswer({})), {
      perMessageDeflate: false,
    });
    expect(client.extensions).toBe('');
    expect(extensions).toBe(undefined);
  });

  it('delivers a rejection ws reports with status, headers and body', async () => {
    const rejection: HandshakeRejection = {
      status: 401,
      message: 'login first',
      headers: { 'WWW-Authenticate': 'Bearer realm="chat"' },
    };
    const port = await rawServer(() => buildRejectResponse(rejection));
    const client = new WebSocket(`ws://127.0.0.1:${port}/`);
    client.on('error', () => {}); // terminate() while CONNECTING reports an error we expect
    sockets.push(client);
    const [, response] = (await once(client, 'unexpected-response')) as [
      unknown,
      import('node:http').IncomingMessage,
    ];
    let body = '';
    for await (const chunk of response) body += String(chunk);
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="chat"');
    expect(body).toBe('login first');
  });
});

/** Runs our client half against `server` and returns the validated handshake. */
async function handshakeWith(
  server: WebSocketServer,
  protocols: string[],
  offer: PerMessageDeflateOffer | false,
) {
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const request = buildClientRequest({
    url: `ws://127.0.0.1:${port}/x`,
    protocols,
    perMessageDeflate: offer,
  });
  if (!request.ok) throw new Error(request.error.message);
  const { head, body } = await exchangeHeads(track, port, request.value.head);
  return validateServerResponse(
    { ...head, body },
    { key: request.value.key, protocols, perMessageDeflate: offer },
  );
}

function wsServer(options: WebSocket.ServerOptions): WebSocketServer {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  servers.push(server);
  server.on('connection', (ws) => sockets.push(ws));
  return server;
}

describe('our client half against a ws server', () => {
  it('validates a ws server without compression', async () => {
    const result = await handshakeWith(wsServer({}), [], {});
    expect(result).toEqual({ ok: true, value: { protocol: null, extensions: '', deflate: null } });
  });

  it('takes the subprotocol the ws server picks', async () => {
    const server = wsServer({ handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false) });
    const result = await handshakeWith(server, ['superchat', 'chat'], false);
    expect(result).toMatchObject({ ok: true, value: { protocol: 'chat' } });
  });

  it('agrees on the parameters a compressing ws server answers with', async () => {
    const server = wsServer({
      perMessageDeflate: { serverNoContextTakeover: true, clientMaxWindowBits: 10, serverMaxWindowBits: 12 },
    });
    const result = await handshakeWith(server, [], {});
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.deflate).toEqual({
      serverNoContextTakeover: true,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 12,
      clientMaxWindowBits: 10,
    });
  });

  it('agrees with a ws server on a custom offer', async () => {
    const server = wsServer({ perMessageDeflate: true });
    const result = await handshakeWith(server, [], {
      clientNoContextTakeover: true,
      serverMaxWindowBits: 11,
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.deflate).toMatchObject({ clientNoContextTakeover: true, serverMaxWindowBits: 11 });
  });

  it('reports a ws server rejection as UNEXPECTED_STATUS with its body', async () => {
    const server = wsServer({ verifyClient: (_info, done) => done(false, 403, 'no entry') });
    const result = await handshakeWith(server, [], {});
    if (result.ok) throw new Error('expected a rejection');
    expect(result.error).toMatchObject({ code: 'UNEXPECTED_STATUS', status: 403 });
    expect(result.error.headers?.['content-type']).toBe('text/html');
  });
});
