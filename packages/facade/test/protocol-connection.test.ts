import { describe, expect, it } from 'vitest';
import type { Connection, ConnectionHandler } from '@parley/transport';
import { type CloseDetails, type ConnectionOwner, PauseReason, ProtocolConnection } from '../src/index.js';
import { HeartbeatWheel } from '../src/core/heartbeat-wheel.js';

/** A transport double: records what the core writes and does to it, no socket. */
class FakeTransport {
  written: Buffer[] = [];
  handler: ConnectionHandler | null = null;
  paused = false;
  destroyed = false;
  ended = false;
  bufferedAmount = 0;
  highWaterMark = 64 * 1024;
  open = true;
  remoteAddress = '127.0.0.1';
  remotePort = 1234;
  localPort = 80;
  secure = false;
  setHandler(handler: ConnectionHandler) {
    this.handler = handler;
  }
  write(data: Buffer) {
    this.written.push(data);
    return true;
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  end() {
    this.ended = true;
  }
  destroy() {
    this.destroyed = true;
    this.open = false;
  }
  setIdleTimeout() {}
}

class RecordingOwner implements ConnectionOwner {
  messages: Array<[string | Buffer, boolean]> = [];
  closes: CloseDetails[] = [];
  onMessage(data: string | Buffer, binary: boolean) {
    this.messages.push([data, binary]);
  }
  onPing() {}
  onPong() {}
  onClose(details: CloseDetails) {
    this.closes.push(details);
  }
}

function setup(
  options: { heartbeat?: boolean; maxBuffered?: number; policy?: 'wait' | 'drop' | 'close' } = {},
) {
  const transport = new FakeTransport();
  const owner = new RecordingOwner();
  const wheel = options.heartbeat ? new HeartbeatWheel(60_000) : null;
  const core = new ProtocolConnection(transport as unknown as Connection, owner, {
    protocol: { role: 'server' },
    backpressure: {
      maxBuffered: options.maxBuffered ?? 0,
      policy: options.policy ?? 'wait',
      closeCode: 1013,
      pauseReading: true,
    },
    heartbeat: wheel,
    closeTimeout: 1000,
  });
  core.start();
  return { transport, owner, core, wheel };
}

const isPing = (frame: Buffer | undefined) => frame !== undefined && frame[0] === 0x89;

describe('ProtocolConnection', () => {
  it('installs itself as the transport handler and feeds bytes that followed the head first', () => {
    const transport = new FakeTransport();
    const owner = new RecordingOwner();
    const core = new ProtocolConnection(transport as unknown as Connection, owner, {
      protocol: { role: 'server' },
      backpressure: { maxBuffered: 0, policy: 'wait', closeCode: 1013, pauseReading: true },
      heartbeat: null,
      closeTimeout: 1000,
    });
    // masked text frame "hi" that arrived in the same packet as the request head
    core.start(Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0x68 ^ 1, 0x69 ^ 2]));
    expect(transport.handler).toBe(core);
    expect(owner.messages).toEqual([['hi', false]]);
  });

  it('heartbeat: pings an idle peer, terminates it one visit later with the diagnostic', () => {
    const { transport, owner, core, wheel } = setup({ heartbeat: true });
    core.heartbeat(); // alive (the handshake counts)
    core.heartbeat(); // idle → ping
    expect(isPing(transport.written.at(-1))).toBe(true);
    core.heartbeat(); // no pong → terminate
    expect(transport.destroyed).toBe(true);
    expect(owner.closes).toHaveLength(1);
    expect(owner.closes[0]).toMatchObject({
      code: 1006,
      reason: 'heartbeat timeout',
      diagnostic: 'heartbeat timeout',
    });
    expect(core.heartbeatSlot).toBe(-1);
    wheel?.clear();
  });

  it('heartbeat: inbound data counts as a sign of life', () => {
    const { transport, core, wheel } = setup({ heartbeat: true });
    core.heartbeat();
    core.heartbeat(); // ping sent
    transport.handler!.data(Buffer.from([0x8a, 0x80, 0, 0, 0, 0])); // masked empty pong
    core.heartbeat();
    expect(transport.destroyed).toBe(false);
    wheel?.clear();
  });

  it('heartbeat: no ping and no timeout while the application has paused reading', () => {
    const { transport, core, wheel } = setup({ heartbeat: true });
    core.pauseReading(PauseReason.Application);
    expect(transport.paused).toBe(true);
    for (let i = 0; i < 10; i++) core.heartbeat();
    expect(transport.written.some(isPing)).toBe(false);
    expect(transport.destroyed).toBe(false);
    core.resumeReading(PauseReason.Application);
    expect(transport.paused).toBe(false);
    wheel?.clear();
  });

  it('heartbeat: a peer that never drains our backlog is timed out with a paused-reading diagnostic', () => {
    const { transport, owner, core, wheel } = setup({ heartbeat: true });
    core.highWater(100_000);
    expect(transport.paused).toBe(true);
    core.heartbeat();
    core.heartbeat();
    core.heartbeat();
    expect(owner.closes[0]?.diagnostic).toMatch(/^heartbeat timeout \(reading was paused/);
    wheel?.clear();
  });

  it('reading resumes only when every pause reason is gone', () => {
    const { transport, core } = setup();
    core.highWater(100_000);
    core.pauseReading(PauseReason.QueueFull);
    core.drain();
    expect(transport.paused).toBe(true);
    expect(core.readingPaused).toBe(true);
    core.resumeReading(PauseReason.QueueFull);
    expect(transport.paused).toBe(false);
  });

  it('resumes reading when the transport never reports a drain but the buffer is gone', async () => {
    const { transport, core } = setup();
    let drains = 0;
    (core as unknown as { owner: ConnectionOwner }).owner.onDrain = () => drains++;
    transport.bufferedAmount = 200_000;
    core.highWater(200_000);
    expect(transport.paused).toBe(true);
    transport.bufferedAmount = 0; // the socket wrote everything synchronously and emitted no 'drain'
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(transport.paused).toBe(false);
    expect(drains).toBe(1);
    core.drain(); // a late drain from the transport is not reported twice
    expect(drains).toBe(1);
  });

  it('keeps reading paused while the buffer is still over the mark after the safety check', async () => {
    const { transport, core } = setup();
    transport.bufferedAmount = 200_000;
    core.highWater(200_000);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(transport.paused).toBe(true);
    core.drain(); // the real drain
    expect(transport.paused).toBe(false);
  });

  it('a local close resumes reading paused for any reason, so the close reply can be read', () => {
    const { transport, owner, core } = setup();
    transport.bufferedAmount = 500_000;
    core.highWater(500_000); // our backlog: reading paused, and no drain is coming
    core.pauseReading(PauseReason.QueueFull);
    expect(transport.paused).toBe(true);
    expect(core.close(1000, 'done').ok).toBe(true);
    expect(transport.paused).toBe(false);
    core.highWater(600_000); // more backpressure while closing must not pause again
    expect(transport.paused).toBe(false);
    transport.handler!.data(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]));
    expect(owner.closes[0]).toMatchObject({ code: 1000, wasClean: true, diagnostic: 'closed locally' });
  });

  it('a close started by the peer resumes reading too', () => {
    const { transport, core } = setup();
    core.highWater(500_000);
    expect(transport.paused).toBe(true);
    transport.handler!.data(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]));
    expect(transport.paused).toBe(false);
  });

  it("backpressure 'drop' returns outcome dropped without writing", () => {
    const { transport, core } = setup({ maxBuffered: 10, policy: 'drop' });
    transport.bufferedAmount = 11;
    const before = transport.written.length;
    const sent = core.send('x');
    expect(sent.ok && sent.value).toMatchObject({
      outcome: 'dropped',
      wireSize: 0,
      payloadSize: 1,
      bufferedAmount: 11,
    });
    expect(transport.written.length).toBe(before);
  });

  it("backpressure 'close' starts a 1013 close and reports a slow consumer", () => {
    const { transport, owner, core } = setup({ maxBuffered: 10, policy: 'close' });
    transport.bufferedAmount = 11;
    const sent = core.send('x');
    expect(sent.ok && sent.value.outcome).toBe('dropped');
    const close = transport.written.at(-1)!;
    expect(close[0]).toBe(0x88);
    expect(close.readUInt16BE(2)).toBe(1013);
    core.end(); // the transport went away without a reply
    expect(owner.closes[0]?.diagnostic).toMatch(/^slow consumer: 11 bytes buffered \(limit 10\)/);
  });

  it("outcome is 'queued' when the write leaves the buffer at the high-water mark", () => {
    const { transport, core } = setup();
    transport.bufferedAmount = transport.highWaterMark;
    const sent = core.send(Buffer.from([1, 2, 3]));
    expect(sent.ok && sent.value).toMatchObject({ outcome: 'queued', payloadSize: 3, wireSize: 5 });
  });

  it('reports exactly one close however many ways the connection ends', () => {
    const { owner, core } = setup();
    core.terminate('first');
    core.end();
    core.terminate('second');
    expect(owner.closes).toHaveLength(1);
    expect(owner.closes[0]?.diagnostic).toBe('first');
    expect(core.readyState).toBe(3);
    expect(core.close().ok).toBe(false);
  });

  it('the server role ends the transport once the close handshake finishes', () => {
    const { transport, owner, core } = setup();
    expect(core.close(1000, 'bye').ok).toBe(true);
    expect(core.readyState).toBe(2);
    transport.handler!.data(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8])); // masked close 1000
    expect(owner.closes[0]).toMatchObject({
      code: 1000,
      wasClean: true,
      initiatedBy: 'local',
      diagnostic: 'closed locally',
    });
    expect(transport.ended).toBe(true);
  });
});
