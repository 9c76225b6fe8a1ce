// Section 5: fragmentation — reassembly, interleaved control frames, and the sequences that
// must fail (continuation without a start, a new message inside one, fragmented control frames).
import { expectEcho, expectFailClose, expectPong } from '../expect.js';
import type { ConformanceCase } from '../runner.js';
import { closePayload, type FrameSpec, OP, opcodeName } from '../wire.js';
import { payloadOf } from './framing.js';

/** Splits `payload` into `count` fragments of near-equal size (some may be empty). */
export function fragmentsOf(opcode: number, payload: Buffer, count: number): FrameSpec[] {
  const specs: FrameSpec[] = [];
  const step = Math.ceil(payload.length / count);
  for (let i = 0; i < count; i++) {
    specs.push({
      opcode: i === 0 ? opcode : OP.continuation,
      payload: payload.subarray(i * step, (i + 1) * step),
      fin: i === count - 1,
    });
  }
  return specs;
}

function fragmentationCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  let sub = 0;
  for (const opcode of [OP.text, OP.binary]) {
    sub++;
    let n = 0;
    for (const count of [2, 3, 5, 10, 100]) {
      for (const chunk of [0, 1, 5]) {
        const payload = payloadOf(opcode, 200, count);
        cases.push({
          id: `5.${sub}.${++n}`,
          title: `${opcodeName(opcode)} in ${count} fragments${chunk ? `, written in ${chunk}-byte chunks` : ''}`,
          async run(peer) {
            const bytes = Buffer.concat(fragmentsOf(opcode, payload, count).map((s) => peer.encode(s)));
            await peer.writeChunked(bytes, chunk || bytes.length);
            await expectEcho(peer, opcode, payload);
          },
        });
      }
    }
    const small = payloadOf(opcode, 64);
    cases.push({
      id: `5.${sub}.${++n}`,
      title: `${opcodeName(opcode)} of 64 bytes in 64 one-byte fragments`,
      async run(peer) {
        peer.sendAll(fragmentsOf(opcode, small, 64));
        await expectEcho(peer, opcode, small);
      },
    });
    const emptyShapes: [string, FrameSpec[]][] = [
      [
        'empty first fragment',
        [
          { opcode, payload: '', fin: false },
          { opcode: OP.continuation, payload: small },
        ],
      ],
      [
        'empty middle fragment',
        [
          { opcode, payload: small.subarray(0, 30), fin: false },
          { opcode: OP.continuation, payload: '', fin: false },
          { opcode: OP.continuation, payload: small.subarray(30) },
        ],
      ],
      [
        'empty final fragment',
        [
          { opcode, payload: small, fin: false },
          { opcode: OP.continuation, payload: '' },
        ],
      ],
    ];
    for (const [shape, specs] of emptyShapes) {
      cases.push({
        id: `5.${sub}.${++n}`,
        title: `${opcodeName(opcode)} with an ${shape}`,
        async run(peer) {
          peer.sendAll(specs);
          await expectEcho(peer, opcode, small);
        },
      });
    }
    cases.push({
      id: `5.${sub}.${++n}`,
      title: `${opcodeName(opcode)} made of three empty fragments is an empty message`,
      async run(peer) {
        peer.sendAll([
          { opcode, payload: '', fin: false },
          { opcode: OP.continuation, payload: '', fin: false },
          { opcode: OP.continuation, payload: '' },
        ]);
        await expectEcho(peer, opcode, Buffer.alloc(0));
      },
    });
  }

  sub++;
  let n = 0;
  const id = () => `5.${sub}.${++n}`;
  for (const chunk of [0, 1]) {
    cases.push({
      id: id(),
      title: `ping between two text fragments: pong first, then the message${chunk ? ' (1-byte writes)' : ''}`,
      async run(peer) {
        const bytes = Buffer.concat(
          [
            { opcode: OP.text, payload: 'fragment1', fin: false },
            { opcode: OP.ping, payload: 'in between' },
            { opcode: OP.continuation, payload: 'fragment2' },
          ].map((s) => peer.encode(s)),
        );
        await peer.writeChunked(bytes, chunk || bytes.length);
        await expectPong(peer, Buffer.from('in between'));
        await expectEcho(peer, OP.text, Buffer.from('fragment1fragment2'));
      },
    });
  }
  cases.push({
    id: id(),
    title: 'a ping after every fragment of a 5-fragment message: 4 pongs in order, then the message',
    async run(peer) {
      const payload = payloadOf(OP.binary, 50);
      const specs: FrameSpec[] = [];
      fragmentsOf(OP.binary, payload, 5).forEach((s, i) => {
        specs.push(s);
        if (i < 4) specs.push({ opcode: OP.ping, payload: `p${i}` });
      });
      peer.sendAll(specs);
      for (let i = 0; i < 4; i++) await expectPong(peer, Buffer.from(`p${i}`));
      await expectEcho(peer, OP.binary, payload);
    },
  });
  cases.push({
    id: id(),
    title: 'unsolicited pong between fragments is ignored',
    async run(peer) {
      peer.sendAll([
        { opcode: OP.text, payload: 'frag', fin: false },
        { opcode: OP.pong, payload: 'ignored' },
        { opcode: OP.continuation, payload: 'ment' },
      ]);
      await expectEcho(peer, OP.text, Buffer.from('fragment'));
    },
  });

  const failing: [string, FrameSpec[], boolean][] = [
    ['continuation (FIN) without a message start', [{ opcode: OP.continuation, payload: 'orphan' }], false],
    [
      'continuation (no FIN) without a message start',
      [{ opcode: OP.continuation, payload: 'orphan', fin: false }],
      false,
    ],
    [
      'continuation without a start, after a valid message',
      [{ opcode: OP.continuation, payload: 'orphan' }],
      true,
    ],
    [
      'text start, then a new text frame inside the fragmented message',
      [
        { opcode: OP.text, payload: 'start', fin: false },
        { opcode: OP.text, payload: 'again' },
      ],
      false,
    ],
    [
      'binary start, then a new binary start inside it',
      [
        { opcode: OP.binary, payload: 'start', fin: false },
        { opcode: OP.binary, payload: 'again', fin: false },
      ],
      false,
    ],
    [
      'text start, then a binary frame inside it',
      [
        { opcode: OP.text, payload: 'start', fin: false },
        { opcode: OP.binary, payload: 'again' },
      ],
      false,
    ],
    [
      'fragmented ping',
      [
        { opcode: OP.ping, payload: 'fr', fin: false },
        { opcode: OP.continuation, payload: 'ag' },
      ],
      false,
    ],
    [
      'fragmented pong',
      [
        { opcode: OP.pong, payload: 'fr', fin: false },
        { opcode: OP.continuation, payload: 'ag' },
      ],
      false,
    ],
    [
      'fragmented close',
      [
        { opcode: OP.close, payload: closePayload(1000).subarray(0, 1), fin: false },
        { opcode: OP.continuation, payload: closePayload(1000).subarray(1) },
      ],
      false,
    ],
    [
      'fragmented ping inside a fragmented text message',
      [
        { opcode: OP.text, payload: 'start', fin: false },
        { opcode: OP.ping, payload: 'fr', fin: false },
        { opcode: OP.continuation, payload: 'ag' },
      ],
      false,
    ],
  ];
  for (const [title, specs, afterValid] of failing) {
    cases.push({
      id: id(),
      title: `${title} fails with 1002`,
      async run(peer) {
        const frames = [...specs, { opcode: OP.ping, payload: 'after' }];
        if (afterValid) frames.unshift({ opcode: OP.text, payload: 'valid first' });
        peer.sendAll(frames);
        if (afterValid) await expectEcho(peer, OP.text, Buffer.from('valid first'));
        await expectFailClose(peer, [1002]);
      },
    });
  }
  return cases;
}

export const fragmentationSection = fragmentationCases();
