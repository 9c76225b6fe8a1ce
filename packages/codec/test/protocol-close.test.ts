import { describe, expect, it } from 'vitest';
import { Opcode } from '../src/constants.js';
import { WebSocketProtocol } from '../src/protocol.js';
import { clientFrame, closePayload, RecordingSink, serverFrame } from './helpers.js';

function server() {
  const sink = new RecordingSink();
  return { sink, protocol: new WebSocketProtocol(sink, { role: 'server' }) };
}

function client() {
  const sink = new RecordingSink();
  return { sink, protocol: new WebSocketProtocol(sink, { role: 'client' }) };
}

describe('close handshake started by the peer', () => {
  it('reports closing, replies with the same code, then reports a clean close', () => {
    const { sink, protocol } = server();
    protocol.receive(clientFrame(Opcode.Close, closePayload(1001, 'going')));
    expect(sink.events).toEqual([
      { type: 'closing', code: 1001, reason: 'going' },
      { type: 'closed', info: { code: 1001, reason: 'going', wasClean: true, initiatedBy: 'remote' } },
    ]);
    expect(sink.frames('client')).toEqual([
      { fin: true, rsv1: false, opcode: Opcode.Close, payload: closePayload(1001) },
    ]);
    expect(protocol.state).toBe('closed');
  });

  it('replies with an empty close to an empty close and reports 1005', () => {
    const { sink, protocol } = client();
    protocol.receive(serverFrame(Opcode.Close, ''));
    expect(sink.closedInfo).toEqual({ code: 1005, reason: '', wasClean: true, initiatedBy: 'remote' });
    expect(sink.frames('server')[0]!.payload.length).toBe(0);
  });

  it('ignores data that follows a close frame in the same chunk and later', () => {
    const { sink, protocol } = server();
    protocol.receive(
      Buffer.concat([clientFrame(Opcode.Close, closePayload(1000)), clientFrame(Opcode.Text, 'late')]),
    );
    protocol.receive(clientFrame(Opcode.Text, 'later'));
    expect(sink.messages).toEqual([]);
    expect(sink.frames('client').length).toBe(1);
  });

  it('drops a fragmented message that the close interrupts', () => {
    const { sink, protocol } = server();
    protocol.receive(clientFrame(Opcode.Text, 'part', { fin: false }));
    protocol.receive(clientFrame(Opcode.Close, closePayload(1000)));
    expect(sink.messages).toEqual([]);
    expect(sink.closedInfo?.wasClean).toBe(true);
  });

  for (const code of [
    1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
  ]) {
    it(`accepts and echoes close code ${code}`, () => {
      const { sink, protocol } = server();
      protocol.receive(clientFrame(Opcode.Close, closePayload(code, 'r')));
      expect(sink.closedInfo).toMatchObject({ code, reason: 'r', wasClean: true });
      expect(sink.frames('client')[0]!.payload.readUInt16BE(0)).toBe(code);
    });
  }

  for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]) {
    it(`fails with 1002 on close code ${code}`, () => {
      const { sink, protocol } = server();
      protocol.receive(clientFrame(Opcode.Close, closePayload(code)));
      expect(sink.closedInfo).toMatchObject({
        code: 1002,
        wasClean: false,
        error: { code: 'INVALID_CLOSE_CODE' },
      });
      expect(sink.frames('client')[0]!.payload.readUInt16BE(0)).toBe(1002);
    });
  }

  it('accepts a close reason of 123 bytes', () => {
    const { sink, protocol } = server();
    protocol.receive(clientFrame(Opcode.Close, closePayload(1000, 'x'.repeat(123))));
    expect(sink.closedInfo?.reason).toBe('x'.repeat(123));
  });
});

describe('close handshake started by us', () => {
  it('sends the close frame, still delivers messages, and finishes on the peer reply', () => {
    const { sink, protocol } = server();
    expect(protocol.close(1000, 'done').ok).toBe(true);
    expect(protocol.state).toBe('closing');
    expect(sink.frames('client')).toEqual([
      { fin: true, rsv1: false, opcode: Opcode.Close, payload: closePayload(1000, 'done') },
    ]);
    protocol.receive(clientFrame(Opcode.Text, 'in flight'));
    protocol.receive(clientFrame(Opcode.Ping, 'p'));
    expect(sink.messages).toEqual(['in flight']);
    // No pong after our close frame.
    expect(sink.frames('client').length).toBe(1);
    protocol.receive(clientFrame(Opcode.Close, closePayload(1000)));
    expect(sink.closedInfo).toEqual({ code: 1000, reason: '', wasClean: true, initiatedBy: 'local' });
    expect(sink.frames('client').length).toBe(1);
  });

  it('sends an empty close payload without a code', () => {
    const { sink, protocol } = client();
    expect(protocol.close().ok).toBe(true);
    expect(sink.frames('server')[0]).toMatchObject({ opcode: Opcode.Close, payload: Buffer.alloc(0) });
  });

  it('refuses codes that may not be sent and reasons over 123 bytes, as error values', () => {
    const { sink, protocol } = server();
    for (const code of [999, 1004, 1005, 1006, 1015, 2000, 5000]) {
      const result = protocol.close(code);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('INVALID_CLOSE_CODE');
    }
    const long = protocol.close(1000, 'é'.repeat(62));
    expect(!long.ok && long.error.code).toBe('REASON_TOO_LONG');
    const reasonOnly = protocol.close(undefined, 'why');
    expect(!reasonOnly.ok && reasonOnly.error.code).toBe('INVALID_CLOSE_CODE');
    expect(sink.writes).toEqual([]);
    expect(protocol.state).toBe('open');
  });

  it('refuses a second close and any send while closing', () => {
    const { protocol } = server();
    protocol.close(1000);
    const again = protocol.close(1000);
    expect(!again.ok && again.error.code).toBe('NOT_OPEN');
    const send = protocol.send('x');
    expect(!send.ok && send.error.code).toBe('NOT_OPEN');
    const ping = protocol.ping();
    expect(!ping.ok && ping.error.code).toBe('NOT_OPEN');
  });
});

describe('transport end and destroy', () => {
  it('reports 1006 when the transport ends before the handshake, once', () => {
    const { sink, protocol } = server();
    protocol.transportClosed(new Error('reset'));
    protocol.transportClosed();
    expect(sink.events).toEqual([
      { type: 'closed', info: { code: 1006, reason: '', wasClean: false, initiatedBy: 'transport' } },
    ]);
  });

  it('reports nothing more when the transport ends after a finished handshake', () => {
    const { sink, protocol } = server();
    protocol.receive(clientFrame(Opcode.Close, closePayload(1000)));
    protocol.transportClosed();
    expect(sink.events.filter((e) => e.type === 'closed').length).toBe(1);
  });

  it('reports 1006 (not clean) when our close got no reply before the transport ended', () => {
    const { sink, protocol } = server();
    protocol.close(1000);
    protocol.transportClosed();
    expect(sink.closedInfo).toEqual({ code: 1006, reason: '', wasClean: false, initiatedBy: 'transport' });
  });

  it('destroy() stops everything without sink calls', () => {
    const { sink, protocol } = server();
    protocol.destroy();
    protocol.receive(clientFrame(Opcode.Text, 'x'));
    protocol.transportClosed();
    expect(sink.events).toEqual([]);
    expect(protocol.state).toBe('closed');
    expect(protocol.send('x').ok).toBe(false);
  });

  it('a sink that closes from inside closing() gets no second report', () => {
    const sink = new RecordingSink();
    const protocol = new WebSocketProtocol(
      Object.assign(sink, { closing: () => protocol.transportClosed() }),
      { role: 'server' },
    );
    protocol.receive(clientFrame(Opcode.Close, closePayload(1000)));
    expect(sink.events).toEqual([
      { type: 'closed', info: { code: 1000, reason: '', wasClean: false, initiatedBy: 'transport' } },
    ]);
  });
});
