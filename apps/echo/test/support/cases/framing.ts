// Sections 1 (framing) and 9 (limits): payload lengths across every length encoding, whole
// and chopped writes, large messages, pipelined small messages.
import { expectEcho, expectFailClose } from '../expect.js';
import type { ConformanceCase } from '../runner.js';
import { OP, opcodeName } from '../wire.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Deterministic payload of `size` bytes: ASCII for text, a byte ramp for binary. */
export function payloadOf(opcode: number, size: number, seed = 0): Buffer {
  const b = Buffer.allocUnsafe(size);
  if (opcode === OP.text) for (let i = 0; i < size; i++) b[i] = 0x21 + ((i + seed) % 94);
  else for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 7 + (i >>> 8)) & 0xff;
  return b;
}

function sizeName(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} B`;
}

const LENGTHS = [0, 1, 125, 126, 127, 128, 65535, 65536];
const CHUNK_SIZES = [1, 2, 7, 64, 1000, 4096];

function framingCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  let sub = 0;
  for (const opcode of [OP.text, OP.binary]) {
    for (const size of LENGTHS) {
      sub++;
      let n = 0;
      const payload = payloadOf(opcode, size);
      cases.push({
        id: `1.${sub}.${++n}`,
        title: `${opcodeName(opcode)} ${sizeName(size)} in one write`,
        async run(peer) {
          peer.send({ opcode, payload });
          await expectEcho(peer, opcode, payload);
        },
      });
      for (const chunk of CHUNK_SIZES) {
        const wire = size + 14;
        // Chopping must split the frame, and 1-byte writes are for small frames only.
        if (chunk >= wire || wire / chunk > 2100) continue;
        cases.push({
          id: `1.${sub}.${++n}`,
          title: `${opcodeName(opcode)} ${sizeName(size)} written in ${chunk}-byte chunks`,
          async run(peer) {
            await peer.writeChunked(peer.encode({ opcode, payload }), chunk);
            await expectEcho(peer, opcode, payload);
          },
        });
      }
    }
  }
  sub++;
  cases.push({
    id: `1.${sub}.1`,
    title: 'text then binary then text in one write keep their types and order',
    async run(peer) {
      const a = payloadOf(OP.text, 10);
      const b = payloadOf(OP.binary, 300);
      const c = payloadOf(OP.text, 70000, 3);
      peer.sendAll([
        { opcode: OP.text, payload: a },
        { opcode: OP.binary, payload: b },
        { opcode: OP.text, payload: c },
      ]);
      await expectEcho(peer, OP.text, a);
      await expectEcho(peer, OP.binary, b);
      await expectEcho(peer, OP.text, c);
    },
  });
  sub++;
  cases.push({
    id: `1.${sub}.1`,
    title: 'server testee: an unmasked client frame fails the connection (RFC 6455 §5.1)',
    testeeRole: 'server',
    async run(peer) {
      peer.send({ opcode: OP.text, payload: 'unmasked', mask: false });
      await expectFailClose(peer, [1002]);
    },
  });
  cases.push({
    id: `1.${sub}.2`,
    title: 'client testee: a masked server frame fails the connection (RFC 6455 §5.1)',
    testeeRole: 'client',
    async run(peer) {
      peer.send({ opcode: OP.text, payload: 'masked', mask: true });
      await expectFailClose(peer, [1002]);
    },
  });
  cases.push({
    id: `1.${sub}.3`,
    title: 'a 64-bit length with the most significant bit set fails the connection (RFC 6455 §5.2)',
    async run(peer) {
      const frame = peer.encode({ opcode: OP.binary, payload: Buffer.alloc(70000) });
      frame[2] = frame[2]! | 0x80; // 8-byte extended length starts at offset 2
      peer.write(frame.subarray(0, 20));
      await expectFailClose(peer, [1002, 1009]);
    },
  });
  return cases;
}

const LARGE = [256 * KiB, 1 * MiB, 16 * MiB];

function limitCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  let sub = 0;
  for (const opcode of [OP.text, OP.binary]) {
    sub++;
    let n = 0;
    for (const size of LARGE) {
      const payload = payloadOf(opcode, size, size);
      cases.push({
        id: `9.${sub}.${++n}`,
        title: `${opcodeName(opcode)} ${sizeName(size)} in one frame`,
        async run(peer) {
          peer.send({ opcode, payload });
          await expectEcho(peer, opcode, payload);
        },
      });
      if (size < 16 * MiB)
        cases.push({
          id: `9.${sub}.${++n}`,
          title: `${opcodeName(opcode)} ${sizeName(size)} in one frame, written in 64 KiB chunks`,
          async run(peer) {
            await peer.writeChunked(peer.encode({ opcode, payload }), 64 * KiB);
            await expectEcho(peer, opcode, payload);
          },
        });
      // 16 MiB round trips are the expensive ones: one fragmentation per type is enough there.
      const fragmentations =
        size < 16 * MiB ? [4 * KiB, 64 * KiB, size / 2] : [opcode === OP.text ? 4 * KiB : 64 * KiB];
      for (const fragment of fragmentations) {
        if (fragment >= size) continue;
        cases.push({
          id: `9.${sub}.${++n}`,
          title: `${opcodeName(opcode)} ${sizeName(size)} in ${sizeName(fragment)} fragments`,
          async run(peer) {
            const specs = [];
            for (let off = 0; off < size; off += fragment) {
              specs.push({
                opcode: off === 0 ? opcode : OP.continuation,
                payload: payload.subarray(off, off + fragment),
                fin: off + fragment >= size,
              });
            }
            peer.sendAll(specs);
            await expectEcho(peer, opcode, payload);
          },
        });
      }
    }
  }
  sub++;
  let n = 0;
  for (const opcode of [OP.text, OP.binary]) {
    const payload = payloadOf(opcode, MiB, 64);
    cases.push({
      id: `9.${sub}.${++n}`,
      title: `${opcodeName(opcode)} 1 MiB in 16384 fragments of 64 bytes`,
      async run(peer) {
        const specs = [];
        for (let off = 0; off < MiB; off += 64) {
          specs.push({
            opcode: off === 0 ? opcode : OP.continuation,
            payload: payload.subarray(off, off + 64),
            fin: off + 64 >= MiB,
          });
        }
        peer.sendAll(specs);
        await expectEcho(peer, opcode, payload);
      },
    });
  }
  sub++;
  n = 0;
  for (const [count, size] of [
    [1000, 32],
    [200, 1000],
    [20, 64 * KiB],
  ] as const) {
    for (const opcode of [OP.text, OP.binary]) {
      cases.push({
        id: `9.${sub}.${++n}`,
        title: `${count} × ${sizeName(size)} ${opcodeName(opcode)} messages pipelined in one write, echoed in order`,
        async run(peer) {
          const payloads = Array.from({ length: count }, (_, i) => payloadOf(opcode, size, i));
          peer.sendAll(payloads.map((payload) => ({ opcode, payload })));
          for (const p of payloads) await expectEcho(peer, opcode, p);
        },
      });
    }
  }
  sub++;
  n = 0;
  for (const opcode of [OP.text, OP.binary]) {
    cases.push({
      id: `9.${sub}.${++n}`,
      title: `100 ${opcodeName(opcode)} messages of 0..4 KiB, each echo awaited before the next`,
      async run(peer) {
        for (let i = 0; i < 100; i++) {
          const payload = payloadOf(opcode, (i * 41) % 4096, i);
          peer.send({ opcode, payload });
          await expectEcho(peer, opcode, payload);
        }
      },
    });
  }
  for (const [opcode, chunk] of [
    [OP.text, 64],
    [OP.binary, 4096],
  ] as const) {
    const payload = payloadOf(opcode, MiB, 9);
    cases.push({
      id: `9.${sub}.${++n}`,
      title: `${opcodeName(opcode)} 1 MiB in one frame, written in ${chunk}-byte chunks`,
      async run(peer) {
        await peer.writeChunked(peer.encode({ opcode, payload }), chunk);
        await expectEcho(peer, opcode, payload);
      },
    });
  }
  return cases;
}

export const framingSection = framingCases();
export const limitsSection = limitCases();
