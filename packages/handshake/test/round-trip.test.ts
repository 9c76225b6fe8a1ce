import { describe, expect, it } from 'vitest';
import {
  buildAcceptResponse,
  buildClientRequest,
  negotiatePerMessageDeflate,
  negotiateSubprotocol,
  parseRequestHead,
  parseResponseHead,
  validateServerResponse,
  validateUpgradeRequest,
} from '../src/index.js';

const SAMPLE_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

describe('client and server handshake halves compose', () => {
  it('negotiates protocol and permessage-deflate end to end', () => {
    const request = buildClientRequest({
      url: 'wss://example.com:8443/chat?room=1',
      key: SAMPLE_KEY,
      protocols: ['chat', 'superchat'],
      origin: 'https://example.com',
      headers: { 'X-Trace': 'abc' },
    });
    if (!request.ok) throw new Error(request.error.message);
    const wire = Buffer.from(`${request.value.head}\x81\x00`, 'latin1');

    const head = parseRequestHead(wire);
    if (!head.ok || !head.value.complete) throw new Error('request head did not parse');
    expect(head.value.target).toBe('/chat?room=1');
    expect(wire.subarray(head.value.headLength)).toEqual(Buffer.from([0x81, 0x00]));
    expect(head.value.headers['x-trace']).toBe('abc');

    const upgrade = validateUpgradeRequest(head.value);
    if (!upgrade.ok) throw new Error(upgrade.error.message);
    expect(upgrade.value.origin).toBe('https://example.com');
    expect(upgrade.value.host).toBe('example.com:8443');

    const deflate = negotiatePerMessageDeflate(upgrade.value.extensionOffers, {});
    if (!deflate.ok || deflate.value === null) throw new Error('deflate not agreed');
    const protocol = negotiateSubprotocol(upgrade.value.protocols, ['superchat', 'chat']);
    expect(protocol).toBe('superchat');

    const responseHead = buildAcceptResponse({
      key: upgrade.value.key,
      protocol,
      extensions: deflate.value.responseHeader,
    });
    expect(responseHead).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: superchat\r\n' +
        'Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n',
    );
    const response = parseResponseHead(Buffer.from(responseHead, 'latin1'));
    if (!response.ok || !response.value.complete) throw new Error('response head did not parse');
    const accepted = validateServerResponse(response.value, {
      key: request.value.key,
      protocols: ['chat', 'superchat'],
    });
    expect(accepted).toEqual({
      ok: true,
      value: {
        protocol: 'superchat',
        extensions: 'permessage-deflate',
        deflate: {
          serverNoContextTakeover: false,
          clientNoContextTakeover: false,
          serverMaxWindowBits: 15,
          clientMaxWindowBits: 15,
        },
      },
    });
  });
});
