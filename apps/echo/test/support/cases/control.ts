// Sections 2 (ping/pong), 3 (reserved bits) and 4 (reserved opcodes).
import { expectEcho, expectFailClose, expectPong } from '../expect.js';
import type { ConformanceCase } from '../runner.js';
import { closePayload, type FrameSpec, OP } from '../wire.js';

const ramp = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i & 0xff));

function pingCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  let n = 0;
  const id = () => `2.${++n}`;
  const simplePings: [string, Buffer][] = [
    ['empty ping', Buffer.alloc(0)],
    ['ping with a short text payload', Buffer.from('Hello, world!')],
    ['ping with a 125-byte payload', Buffer.alloc(125, 0x2a)],
    ['ping with a binary payload', Buffer.from([0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff])],
    ['ping with a 125-byte binary ramp', ramp(125)],
  ];
  for (const [title, payload] of simplePings) {
    cases.push({
      id: id(),
      title: `${title} is answered by a pong with the same payload`,
      async run(peer) {
        peer.send({ opcode: OP.ping, payload });
        await expectPong(peer, payload);
      },
    });
    cases.push({
      id: id(),
      title: `${title}, written 1 byte at a time, is answered`,
      async run(peer) {
        await peer.writeChunked(peer.encode({ opcode: OP.ping, payload }), 1);
        await expectPong(peer, payload);
      },
    });
  }
  cases.push({
    id: id(),
    title: 'ping with a 126-byte payload fails the connection (control frames carry ≤ 125 bytes)',
    async run(peer) {
      peer.send({ opcode: OP.ping, payload: Buffer.alloc(126, 0x2a) });
      await expectFailClose(peer, [1002]);
    },
  });
  cases.push({
    id: id(),
    title: 'ping with a 65535-byte payload fails the connection',
    async run(peer) {
      peer.send({ opcode: OP.ping, payload: Buffer.alloc(65535, 0x2a) });
      await expectFailClose(peer, [1002]);
    },
  });
  cases.push({
    id: id(),
    title: 'fragmented ping (FIN clear) fails the connection',
    async run(peer) {
      peer.sendAll([
        { opcode: OP.ping, payload: 'frag', fin: false },
        { opcode: OP.continuation, payload: 'ment' },
      ]);
      await expectFailClose(peer, [1002]);
    },
  });
  cases.push({
    id: id(),
    title: 'unsolicited empty pong is ignored',
    async run(peer) {
      peer.sendAll([
        { opcode: OP.pong, payload: '' },
        { opcode: OP.text, payload: 'after pong' },
      ]);
      await expectEcho(peer, OP.text, Buffer.from('after pong'));
    },
  });
  cases.push({
    id: id(),
    title: 'unsolicited pong with a 125-byte payload is ignored',
    async run(peer) {
      peer.sendAll([
        { opcode: OP.pong, payload: Buffer.alloc(125, 1) },
        { opcode: OP.text, payload: 'after pong' },
      ]);
      await expectEcho(peer, OP.text, Buffer.from('after pong'));
    },
  });
  cases.push({
    id: id(),
    title: 'unsolicited pong, then ping: only the ping is answered',
    async run(peer) {
      peer.sendAll([
        { opcode: OP.pong, payload: 'unsolicited' },
        { opcode: OP.ping, payload: 'solicited' },
      ]);
      await expectPong(peer, Buffer.from('solicited'));
    },
  });
  for (const chunked of [false, true]) {
    cases.push({
      id: id(),
      title: `10 pings in a row${chunked ? ', written 1 byte at a time,' : ''} get 10 pongs in order`,
      async run(peer) {
        const payloads = Array.from({ length: 10 }, (_, i) => Buffer.from(`ping ${i}`));
        const bytes = Buffer.concat(payloads.map((payload) => peer.encode({ opcode: OP.ping, payload })));
        await peer.writeChunked(bytes, chunked ? 1 : bytes.length);
        for (const p of payloads) await expectPong(peer, p);
      },
    });
  }
  cases.push({
    id: id(),
    title: 'ping with a payload between two text messages: pong and echoes keep the order',
    async run(peer) {
      peer.sendAll([
        { opcode: OP.text, payload: 'one' },
        { opcode: OP.ping, payload: 'between' },
        { opcode: OP.text, payload: 'two' },
      ]);
      await expectEcho(peer, OP.text, Buffer.from('one'));
      await expectPong(peer, Buffer.from('between'));
      await expectEcho(peer, OP.text, Buffer.from('two'));
    },
  });
  return cases;
}

type RsvBits = Pick<FrameSpec, 'rsv1' | 'rsv2' | 'rsv3'>;

function rsvCombos(): [string, RsvBits][] {
  const combos: [string, RsvBits][] = [];
  for (let v = 1; v <= 7; v++) {
    combos.push([
      `RSV=${v}`,
      { rsv1: (v & 4) !== 0, rsv2: (v & 2) !== 0, rsv3: (v & 1) !== 0 } satisfies RsvBits,
    ]);
  }
  return combos;
}

/** Frames that carry the bad bits, and whether a valid message goes first. */
const RSV_CARRIERS: [string, (bits: RsvBits) => FrameSpec[]][] = [
  ['small text', (bits) => [{ opcode: OP.text, payload: 'Hello', ...bits }]],
  ['binary', (bits) => [{ opcode: OP.binary, payload: Buffer.from([0, 1, 2, 0xff]), ...bits }]],
  ['empty text', (bits) => [{ opcode: OP.text, payload: '', ...bits }]],
  ['ping', (bits) => [{ opcode: OP.ping, payload: 'ping', ...bits }]],
  ['pong', (bits) => [{ opcode: OP.pong, payload: 'pong', ...bits }]],
  ['close', (bits) => [{ opcode: OP.close, payload: closePayload(1000), ...bits }]],
  [
    'continuation of a fragmented text',
    (bits) => [
      { opcode: OP.text, payload: 'frag', fin: false },
      { opcode: OP.continuation, payload: 'ment', ...bits },
    ],
  ],
];

function reservedBitCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  let sub = 0;
  for (const [carrierName, carrier] of RSV_CARRIERS) {
    sub++;
    let n = 0;
    for (const [comboName, bits] of rsvCombos()) {
      for (const afterValid of [false, true]) {
        cases.push({
          id: `3.${sub}.${++n}`,
          title: `${carrierName} with ${comboName}${afterValid ? ' after a valid message' : ''} fails with 1002`,
          async run(peer) {
            const frames = carrier(bits);
            if (afterValid) frames.unshift({ opcode: OP.text, payload: 'valid first' });
            // A ping after the offending frame must not be answered (Autobahn 3.x).
            frames.push({ opcode: OP.ping, payload: 'must not be answered' });
            peer.sendAll(frames);
            if (afterValid) await expectEcho(peer, OP.text, Buffer.from('valid first'));
            await expectFailClose(peer, [1002]);
          },
        });
      }
    }
  }
  return cases;
}

const RESERVED_OPCODES = [0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf];

function reservedOpcodeCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const variants: [string, Buffer, boolean, boolean][] = [
    ['empty', Buffer.alloc(0), false, true],
    ['with payload', Buffer.from('reserved opcode payload'), false, true],
    ['after a valid message', Buffer.from('x'), true, true],
    ['without FIN', Buffer.from('x'), false, false],
  ];
  let sub = 0;
  for (const [variant, payload, afterValid, fin] of variants) {
    sub++;
    let n = 0;
    for (const opcode of RESERVED_OPCODES) {
      cases.push({
        id: `4.${sub}.${++n}`,
        title: `reserved opcode 0x${opcode.toString(16)} ${variant} fails with 1002`,
        async run(peer) {
          const frames: FrameSpec[] = [
            { opcode, payload, fin },
            { opcode: OP.ping, payload: 'after' },
          ];
          if (afterValid) frames.unshift({ opcode: OP.text, payload: 'valid first' });
          peer.sendAll(frames);
          if (afterValid) await expectEcho(peer, OP.text, Buffer.from('valid first'));
          await expectFailClose(peer, [1002]);
        },
      });
    }
  }
  return cases;
}

export const pingSection = pingCases();
export const reservedBitsSection = reservedBitCases();
export const opcodesSection = reservedOpcodeCases();
