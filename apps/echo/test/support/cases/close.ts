// Section 7: the closing handshake — replies, status codes, reasons, data after close, and the
// TCP connection going away afterwards.
import {
  CaseFailure,
  expectCloseReply,
  expectEcho,
  expectEnd,
  expectFailClose,
  nextFrame,
} from '../expect.js';
import type { ConformanceCase } from '../runner.js';
import { closePayload, describeFrame, OP } from '../wire.js';

/** Codes an endpoint may send (RFC 6455 §7.4.1 plus the IANA registry: 1012–1014). */
export const VALID_CLOSE_CODES = [
  1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
];
/** Codes that must never be on the wire: unused, reserved, "MUST NOT be set", unassigned. */
export const INVALID_CLOSE_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];

function closeCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  let n = 0;
  let id = () => `7.1.${++n}`;
  cases.push({
    id: id(),
    title: 'text message, then close: echo, close reply, TCP closed',
    async run(peer) {
      peer.send({ opcode: OP.text, payload: 'before close' });
      await expectEcho(peer, OP.text, Buffer.from('before close'));
      await expectCloseReply(peer, closePayload(1000), [1000]);
    },
  });
  const afterClose: [string, { opcode: number; payload?: Buffer | string; fin?: boolean }][] = [
    ['a second close', { opcode: OP.close, payload: closePayload(1000) }],
    ['a ping', { opcode: OP.ping, payload: 'after close' }],
    ['a text message', { opcode: OP.text, payload: 'after close' }],
    ['a continuation', { opcode: OP.continuation, payload: 'after close' }],
    ['garbage with reserved bits', { opcode: 0x0f, payload: 'junk' }],
  ];
  for (const [what, spec] of afterClose) {
    cases.push({
      id: id(),
      title: `close, then ${what}: ignored — only the close reply comes back`,
      async run(peer) {
        peer.sendAll([{ opcode: OP.close, payload: closePayload(1000) }, spec]);
        const f = await nextFrame(peer, 'close reply 1000');
        if (f.opcode !== OP.close || f.payload.length < 2 || f.payload.readUInt16BE(0) !== 1000) {
          throw new CaseFailure('close reply 1000', describeFrame(f));
        }
        if (peer.role === 'server') peer.end();
        await expectEnd(peer);
      },
    });
  }
  cases.push({
    id: id(),
    title: 'text fragment, close, then the final fragment: no echo, only the close reply',
    async run(peer) {
      peer.sendAll([
        { opcode: OP.text, payload: 'frag', fin: false },
        { opcode: OP.close, payload: closePayload(1000) },
        { opcode: OP.continuation, payload: 'ment' },
      ]);
      const f = await nextFrame(peer, 'close reply 1000');
      if (f.opcode !== OP.close) throw new CaseFailure('close reply 1000', describeFrame(f));
      if (peer.role === 'server') peer.end();
      await expectEnd(peer);
    },
  });
  cases.push({
    id: id(),
    title: '256 KiB message immediately followed by close: echo, then close reply',
    async run(peer) {
      const big = Buffer.alloc(256 * 1024, 0x61);
      peer.sendAll([
        { opcode: OP.binary, payload: big },
        { opcode: OP.close, payload: closePayload(1000) },
      ]);
      await expectEcho(peer, OP.binary, big);
      const f = await nextFrame(peer, 'close reply 1000');
      if (f.opcode !== OP.close) throw new CaseFailure('close reply 1000', describeFrame(f));
      if (peer.role === 'server') peer.end();
      await expectEnd(peer);
    },
  });
  cases.push({
    id: id(),
    title: 'close written 1 byte at a time is answered',
    async run(peer) {
      peer.closeSent = true;
      await peer.writeChunked(peer.encode({ opcode: OP.close, payload: closePayload(1000, 'bye') }), 1);
      const f = await nextFrame(peer, 'close reply 1000');
      if (f.opcode !== OP.close || f.payload.readUInt16BE(0) !== 1000) {
        throw new CaseFailure('close reply 1000', describeFrame(f));
      }
      if (peer.role === 'server') peer.end();
      await expectEnd(peer);
    },
  });

  n = 0;
  id = () => `7.2.${++n}`;
  for (const [what, before] of [
    ['after an echo', [{ opcode: OP.text, payload: 'last words' }]],
    ['in the middle of a fragmented message', [{ opcode: OP.text, payload: 'half', fin: false }]],
  ] as const) {
    cases.push({
      id: id(),
      title: `TCP FIN without a close frame ${what}: the testee closes its side too (1006, no hang)`,
      async run(peer) {
        peer.sendAll([...before]);
        if (before[0].fin !== false) await expectEcho(peer, OP.text, Buffer.from('last words'));
        peer.closeSent = true; // no close handshake in this case
        peer.end();
        await expectEnd(peer);
      },
    });
  }

  n = 0;
  id = () => `7.3.${++n}`;
  cases.push({
    id: id(),
    title: 'close without payload: reply without code or with 1000',
    run: (peer) => expectCloseReply(peer, undefined, [null, 1000]),
  });
  cases.push({
    id: id(),
    title: 'close with a 1-byte payload fails with 1002',
    async run(peer) {
      peer.send({ opcode: OP.close, payload: Buffer.from([0x03]) });
      await expectFailClose(peer, [1002]);
    },
  });
  cases.push({
    id: id(),
    title: 'close 1000 without reason',
    run: (peer) => expectCloseReply(peer, closePayload(1000), [1000]),
  });
  cases.push({
    id: id(),
    title: 'close 1000 with a short reason',
    run: (peer) => expectCloseReply(peer, closePayload(1000, 'Hello World!'), [1000]),
  });
  cases.push({
    id: id(),
    title: 'close 1000 with a 123-byte reason (largest that fits)',
    run: (peer) => expectCloseReply(peer, closePayload(1000, 'x'.repeat(123)), [1000]),
  });
  cases.push({
    id: id(),
    title: 'close 1000 with a 124-byte reason (control frame > 125 bytes) fails with 1002',
    async run(peer) {
      peer.send({ opcode: OP.close, payload: closePayload(1000, 'x'.repeat(124)) });
      await expectFailClose(peer, [1002]);
    },
  });
  cases.push({
    id: id(),
    title: 'close 1000 with a multi-byte UTF-8 reason',
    run: (peer) => expectCloseReply(peer, closePayload(1000, 'Tschüss κόσμε 😀'), [1000]),
  });

  n = 0;
  id = () => `7.5.${++n}`;
  const badReasons: [string, Buffer][] = [
    ['overlong', Buffer.from('c0af', 'hex')],
    ['surrogate', Buffer.from('eda080', 'hex')],
    ['truncated sequence', Buffer.from('48656c6ce282', 'hex')],
    ['byte 0xFF', Buffer.from('ff', 'hex')],
  ];
  for (const [what, reason] of badReasons) {
    cases.push({
      id: id(),
      title: `close 1000 with an invalid UTF-8 reason (${what}) fails with 1007`,
      async run(peer) {
        peer.send({ opcode: OP.close, payload: closePayload(1000, reason) });
        await expectFailClose(peer, [1007, 1002]);
      },
    });
  }

  n = 0;
  id = () => `7.7.${++n}`;
  for (const code of VALID_CLOSE_CODES) {
    cases.push({
      id: id(),
      title: `close with valid code ${code}: the reply carries ${code} (or 1000)`,
      run: (peer) => expectCloseReply(peer, closePayload(code), [code, 1000]),
    });
  }
  n = 0;
  id = () => `7.9.${++n}`;
  for (const code of INVALID_CLOSE_CODES) {
    cases.push({
      id: id(),
      title: `close with invalid code ${code} fails with 1002`,
      async run(peer) {
        peer.send({ opcode: OP.close, payload: closePayload(code) });
        await expectFailClose(peer, [1002]);
      },
    });
  }
  return cases;
}

export const closeSection = closeCases();
