// What a conformance case expects from the testee, with failures that say expected vs got.
import type { Peer, PeerEvent } from './peer.js';
import { closePayload, type DecodedFrame, describeFrame, OP, opcodeName } from './wire.js';

/** The testee broke a MUST: the case fails. */
export class CaseFailure extends Error {
  constructor(
    readonly expected: string,
    readonly got: string,
  ) {
    super(`expected ${expected}; got ${got}`);
  }
}

/** The testee did the right thing in a lax way (Autobahn's NON-STRICT), e.g. not failing fast. */
export class CaseNonStrict extends Error {
  constructor(
    readonly expected: string,
    readonly got: string,
  ) {
    super(`expected ${expected}; got ${got}`);
  }
}

/** The case does not apply to this testee (e.g. the client never offered permessage-deflate). */
export class CaseNotApplicable extends Error {}

export function describeEvent(e: PeerEvent): string {
  if (e.kind === 'frame') return describeFrame(e.frame);
  if (e.kind === 'end') return e.reset ? 'connection reset' : 'TCP connection closed';
  return `nothing within ${e.afterMs} ms`;
}

function preview(data: Buffer): string {
  if (data.length <= 24) return `<${data.toString('hex')}>`;
  return `${data.length} B starting <${data.subarray(0, 12).toString('hex')}…>`;
}

export function describePayload(opcode: number, data: Buffer): string {
  return `${opcodeName(opcode)} message ${preview(data)}`;
}

function checkMasking(peer: Peer): void {
  const problem = peer.maskingErrors[0];
  if (problem) throw new CaseFailure('RFC 6455 §5.1 masking', problem);
}

export async function nextFrame(peer: Peer, expected: string, ms?: number): Promise<DecodedFrame> {
  const e = await peer.next(ms);
  checkMasking(peer);
  if (e.kind !== 'frame') throw new CaseFailure(expected, describeEvent(e));
  return e.frame;
}

export interface ReceivedMessage {
  opcode: number;
  payload: Buffer;
  compressed: boolean;
  frames: number;
}

/** Reads one complete data message (any fragmentation, inflating when RSV1 is set). */
export async function readMessage(peer: Peer, expected: string, ms?: number): Promise<ReceivedMessage> {
  const first = await nextFrame(peer, expected, ms);
  if (first.opcode !== OP.text && first.opcode !== OP.binary) {
    throw new CaseFailure(expected, describeFrame(first));
  }
  if (first.rsv2 || first.rsv3 || (first.rsv1 && !peer.deflate)) {
    throw new CaseFailure(expected, `${describeFrame(first)} with a reserved bit nobody negotiated`);
  }
  const parts = [first.payload];
  let last = first;
  let frames = 1;
  while (!last.fin) {
    const f = await nextFrame(peer, `continuation of ${expected}`, ms);
    if (f.opcode === OP.ping || f.opcode === OP.pong) {
      // Legal between fragments (RFC 6455 §5.4): kept for expectPong.
      peer.interleaved.push(f);
      continue;
    }
    last = f;
    frames++;
    if (last.opcode !== OP.continuation || last.rsv1 || last.rsv2 || last.rsv3) {
      throw new CaseFailure(`continuation of ${expected}`, describeFrame(last));
    }
    parts.push(last.payload);
  }
  let payload = parts.length === 1 ? first.payload : Buffer.concat(parts);
  if (first.rsv1) {
    try {
      payload = await peer.decompress(payload);
    } catch (e) {
      throw new CaseFailure(`${expected} (compressed)`, `undecodable deflate data: ${(e as Error).message}`);
    }
  }
  return { opcode: first.opcode, payload, compressed: first.rsv1, frames };
}

/** The testee must send back exactly this message (type and bytes). */
export async function expectEcho(peer: Peer, opcode: number, payload: Buffer, ms?: number): Promise<void> {
  const expected = `echo of ${describePayload(opcode, payload)}`;
  const got = await readMessage(peer, expected, ms);
  if (got.opcode !== opcode || !got.payload.equals(payload)) {
    throw new CaseFailure(expected, describePayload(got.opcode, got.payload));
  }
}

export async function expectPong(peer: Peer, payload: Buffer, ms?: number): Promise<void> {
  const expected = `pong ${preview(payload)}`;
  const f = peer.interleaved.shift() ?? (await nextFrame(peer, expected, ms));
  if (f.opcode !== OP.pong || !f.fin || f.rsv1 || f.rsv2 || f.rsv3 || !f.payload.equals(payload)) {
    throw new CaseFailure(expected, `${describeFrame(f)} ${preview(f.payload)}`);
  }
}

function closeCodeOf(f: DecodedFrame): number | null {
  return f.payload.length >= 2 ? f.payload.readUInt16BE(0) : null;
}

/**
 * The testee must fail the connection: a close frame with one of `codes`, then the TCP
 * connection goes away. Dropping TCP without a close frame is lax (non-strict).
 */
export async function expectFailClose(peer: Peer, codes: number[], ms?: number): Promise<void> {
  const expected = `close ${codes.join('/')}`;
  for (;;) {
    const e = await peer.next(ms);
    checkMasking(peer);
    if (e.kind === 'end') throw new CaseNonStrict(expected, `${describeEvent(e)} without a close frame`);
    if (e.kind === 'timeout') throw new CaseFailure(expected, describeEvent(e));
    const f = e.frame;
    if (f.opcode !== OP.close) throw new CaseFailure(expected, describeFrame(f));
    const code = closeCodeOf(f);
    if (code === null || !codes.includes(code)) throw new CaseFailure(expected, describeFrame(f));
    await finishCloseHandshake(peer, code, ms);
    return;
  }
}

/** After the testee's close frame: reply (unless we started it) and see the TCP connection end. */
export async function finishCloseHandshake(peer: Peer, code: number | null, ms?: number): Promise<void> {
  if (!peer.closeSent)
    peer.send({ opcode: OP.close, payload: code === null ? undefined : closePayload(code) });
  if (peer.role === 'server') peer.end(); // the server closes TCP first (RFC 6455 §7.1.1)
  await expectEnd(peer, ms);
}

/** Only the end of the TCP stream may come now (data after the close frame is a failure). */
export async function expectEnd(peer: Peer, ms?: number): Promise<void> {
  const e = await peer.next(ms);
  checkMasking(peer);
  if (e.kind !== 'end')
    throw new CaseFailure('TCP connection closed after the close handshake', describeEvent(e));
}

/**
 * We start a close with `payload`; the testee must answer with a close frame whose code is one
 * of `replyCodes` (null = an empty close frame), then close TCP.
 */
export async function expectCloseReply(
  peer: Peer,
  payload: Buffer | undefined,
  replyCodes: (number | null)[],
  ms?: number,
): Promise<void> {
  peer.send({ opcode: OP.close, payload });
  const expected = `close reply ${replyCodes.map((c) => c ?? 'without code').join('/')}`;
  for (;;) {
    const e = await peer.next(ms);
    checkMasking(peer);
    if (e.kind === 'end') throw new CaseFailure(expected, `${describeEvent(e)} without a close frame`);
    if (e.kind === 'timeout') throw new CaseFailure(expected, describeEvent(e));
    const f = e.frame;
    if (f.opcode !== OP.close) throw new CaseFailure(expected, describeFrame(f));
    const code = closeCodeOf(f);
    if (f.payload.length === 1 || !replyCodes.includes(code)) {
      throw new CaseFailure(expected, describeFrame(f));
    }
    if (peer.role === 'server') peer.end();
    await expectEnd(peer, ms);
    return;
  }
}

/** Clean close at the end of a case that left the connection open. */
export async function closeNormally(peer: Peer, ms?: number): Promise<void> {
  await expectCloseReply(peer, closePayload(1000), [1000], ms);
}
