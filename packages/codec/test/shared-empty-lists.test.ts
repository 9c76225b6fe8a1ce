import { deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Opcode } from '../src/constants.js';
import { WebSocketProtocol } from '../src/protocol.js';
import type { PerMessageDeflateParams } from '../src/types.js';
import { clientFrame, RecordingSink } from './helpers.js';

// Connections start with shared empty lists (inbound, inflate calls, compression jobs,
// outbound queue, message pieces) and take their own on first use. These tests make one
// connection use every list while others are idle or start later, and check nothing leaks.

const PARAMS: PerMessageDeflateParams = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

const open: WebSocketProtocol[] = [];
afterEach(() => {
  for (const protocol of open.splice(0)) protocol.destroy();
});

function make() {
  const sink = new RecordingSink();
  const protocol = new WebSocketProtocol(sink, { role: 'server', deflate: PARAMS });
  open.push(protocol);
  return { sink, protocol };
}

function compress(text: string): Buffer {
  const raw = deflateRawSync(Buffer.from(text), { finishFlush: 2 });
  return raw.subarray(0, raw.length - 4);
}

describe('shared empty lists', () => {
  it('one busy connection leaves nothing queued in idle or new ones', async () => {
    const idle = make();
    const busy = make();
    // Queued behind zlib in both directions, plus a fragmented plain message.
    busy.protocol.receive(clientFrame(Opcode.Text, compress('first'), { rsv1: true }));
    busy.protocol.receive(clientFrame(Opcode.Text, 'plain after'));
    busy.protocol.send('x'.repeat(5000));
    busy.protocol.receive(clientFrame(Opcode.Binary, Buffer.from([1, 2]), { fin: false }));
    expect(busy.protocol.bufferedMessages).toBeGreaterThan(0);
    expect(idle.protocol.bufferedMessages).toBe(0);
    const fresh = make();
    expect(fresh.protocol.bufferedMessages).toBe(0);

    fresh.protocol.receive(clientFrame(Opcode.Text, 'fresh one'));
    expect(fresh.sink.events).toEqual([{ type: 'message', data: 'fresh one', binary: false }]);

    busy.protocol.receive(clientFrame(Opcode.Continuation, Buffer.from([3])));
    await busy.sink.until(() => busy.sink.events.length === 3);
    expect(busy.sink.events).toEqual([
      { type: 'message', data: 'first', binary: false },
      { type: 'message', data: 'plain after', binary: false },
      { type: 'message', data: Buffer.from([1, 2, 3]), binary: true },
    ]);
    expect(idle.sink.events).toEqual([]);
    expect(idle.protocol.bufferedMessages).toBe(0);
  });
});
