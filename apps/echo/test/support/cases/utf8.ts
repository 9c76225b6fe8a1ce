// Section 6: UTF-8 in text messages. Valid texts must be echoed however they are fragmented;
// invalid ones must fail with 1007, and fail fast: as soon as the bytes received so far can no
// longer begin a valid text, without waiting for the final fragment.
import { CaseFailure, CaseNonStrict, expectEcho, expectFailClose } from '../expect.js';
import type { Peer } from '../peer.js';
import type { ConformanceCase } from '../runner.js';
import { type FrameSpec, OP } from '../wire.js';
import { fragmentsOf } from './fragmentation.js';

/**
 * The suite's own reference validator (Unicode Table 3-7): how many bytes must have arrived
 * before the text is known to be invalid, or `null` when no prefix is invalid (the text is
 * valid, or only truncated at its end, which is known at FIN only).
 */
export function invalidAfter(bytes: Buffer): number | null {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b <= 0x7f) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i + 1;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return null; // truncated at the end: invalid only once FIN arrives
      const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      if (c < min || c > max) return i + k + 1;
    }
    i += need + 1;
  }
  return null;
}

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

export const VALID_TEXTS: [string, Buffer][] = [
  ['ASCII', Buffer.from('Hello, world')],
  ['Latin-1 supplement', Buffer.from('Hello-µ@ßöäüàá-UTF-8!!')],
  ['Greek', Buffer.from('κόσμε')],
  ['Cyrillic and Hebrew', Buffer.from('Привет שלום')],
  ['CJK', Buffer.from('你好世界こんにちは')],
  ['4-byte emoji', Buffer.from('😀🎉 ok 🚀')],
  ['U+0000 and U+007F', hex('00 7f')],
  ['U+0080 and U+07FF', hex('c280 dfbf')],
  ['U+0800 and U+D7FF', hex('e0a080 ed9fbf')],
  ['U+E000 and U+FFFD', hex('ee8080 efbfbd')],
  ['U+FEFF (BOM) inside text', hex('41 efbbbf 42')],
  ['U+FFFF', hex('efbfbf')],
  ['U+10000', hex('f0908080')],
  ['U+10FFFF', hex('f48fbfbf')],
  // Noncharacters are valid UTF-8 (Autobahn 6.21/6.22): rejecting them is a bug.
  ['noncharacters U+FFFE and U+FDD0', hex('efbfbe efb790')],
  ['noncharacters U+1FFFF and U+10FFFE', hex('f09fbfbf f48fbfbe')],
];

const PREFIX = Buffer.from('κό');
const SUFFIX = Buffer.from('ed');

/** [name, offending bytes, followed by valid text?] */
export const INVALID_SEQUENCES: [string, string, boolean][] = [
  ['overlong "/" (2 bytes)', 'c0af', true],
  ['overlong "/" (3 bytes)', 'e080af', true],
  ['overlong "/" (4 bytes)', 'f08080af', true],
  ['overlong "/" (5 bytes)', 'f8808080af', true],
  ['overlong "/" (6 bytes)', 'fc80808080af', true],
  ['overlong U+007F', 'c1bf', true],
  ['overlong U+07FF', 'e09fbf', true],
  ['overlong U+FFFF', 'f08fbfbf', true],
  ['overlong NUL', 'c080', true],
  ['surrogate U+D800', 'eda080', true],
  ['surrogate U+DB7F', 'edadbf', true],
  ['surrogate U+DB80', 'edae80', true],
  ['surrogate U+DBFF', 'edafbf', true],
  ['surrogate U+DC00', 'edb080', true],
  ['surrogate U+DF80', 'edbe80', true],
  ['surrogate U+DFFF', 'edbfbf', true],
  ['surrogate pair U+D800 U+DC00', 'eda080edb080', true],
  ['U+110000', 'f4908080', true],
  ['U+1FFFFF', 'f7bfbfbf', true],
  ['lead byte 0xF5', 'f5808080', true],
  ['byte 0xC0 alone', 'c0', true],
  ['byte 0xC1 alone', 'c1', true],
  ['byte 0xF8', 'f8', true],
  ['byte 0xFE', 'fe', true],
  ['byte 0xFF', 'ff', true],
  ['unexpected continuation 0x80', '80', true],
  ['unexpected continuation 0xBF', 'bf', true],
  ['two continuations', '80bf', true],
  ['2-byte lead then ASCII', 'c241', true],
  ['3-byte lead, one continuation, then ASCII', 'e28241', true],
  ['3-byte lead then ASCII', 'e241', true],
  ['4-byte lead, two continuations, then ASCII', 'f09f9841', true],
  ['lead bytes followed by spaces', 'c020e020f020', true],
  ['maximal overlong (5 bytes)', 'f887bfbfbf', true],
  ['maximal overlong (6 bytes)', 'fc83bfbfbfbf', true],
  ['concatenated incomplete sequences', 'c0e080f08080f8808080fc80808080dfefbff7bfbffbbfbfbffdbfbfbfbf', true],
  ['impossible bytes FE FE FF FF', 'fefeffff', true],
  ['every continuation byte 80..8F', '808182838485868788898a8b8c8d8e8f', true],
  ['2-byte sequence truncated at the end', 'ce', false],
  ['3-byte sequence truncated at the end', 'e282', false],
  ['4-byte sequence truncated after 3 bytes at the end', 'f09f98', false],
  ['4-byte sequence truncated after 2 bytes at the end', 'f09f', false],
];

/** How long a strict run waits for the close after the offending fragment (no FIN sent). */
export const FAIL_FAST_WAIT_MS = 2_000;

/**
 * The bytes sent so far already make the text invalid, FIN not sent: the testee must close with
 * 1007 now. If it does not, the suite sends the final fragment: a 1007 then is non-strict.
 */
export async function expectFailFast(
  peer: Peer,
  strict: boolean,
  sendRest: () => void = () => peer.send({ opcode: OP.continuation, payload: '' }),
): Promise<void> {
  if (strict) {
    const e = await peer.next(FAIL_FAST_WAIT_MS);
    if (e.kind !== 'timeout') {
      peer.unshift(e);
      await expectFailClose(peer, [1007]);
      return;
    }
  }
  sendRest();
  try {
    await expectFailClose(peer, [1007]);
  } catch (err) {
    if (err instanceof CaseFailure) {
      throw new CaseFailure('close 1007 before the final fragment', `no close then; after FIN: ${err.got}`);
    }
    throw err;
  }
  throw new CaseNonStrict(
    'close 1007 before the final fragment',
    strict
      ? `nothing within ${FAIL_FAST_WAIT_MS} ms; 1007 after FIN`
      : 'target declared to validate at FIN; 1007 after FIN',
  );
}

function utf8Cases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  let sub = 0;
  for (const [name, text] of VALID_TEXTS) {
    sub++;
    let n = 0;
    cases.push({
      id: `6.${sub}.${++n}`,
      title: `valid ${name} in one frame is echoed`,
      async run(peer) {
        peer.send({ opcode: OP.text, payload: text });
        await expectEcho(peer, OP.text, text);
      },
    });
    cases.push({
      id: `6.${sub}.${++n}`,
      title: `valid ${name} in 1-byte fragments is echoed`,
      async run(peer) {
        peer.sendAll(fragmentsOf(OP.text, text, text.length));
        await expectEcho(peer, OP.text, text);
      },
    });
    for (let p = 1; p < text.length; p++) {
      cases.push({
        id: `6.${sub}.${++n}`,
        title: `valid ${name} split into two fragments at byte ${p} is echoed`,
        async run(peer) {
          peer.sendAll([
            { opcode: OP.text, payload: text.subarray(0, p), fin: false },
            { opcode: OP.continuation, payload: text.subarray(p) },
          ]);
          await expectEcho(peer, OP.text, text);
        },
      });
    }
  }
  for (const [name, seqHex, followed] of INVALID_SEQUENCES) {
    sub++;
    let n = 0;
    const bytes = Buffer.concat([PREFIX, hex(seqHex), followed ? SUFFIX : Buffer.alloc(0)]);
    const knownAt = invalidAfter(bytes);
    cases.push({
      id: `6.${sub}.${++n}`,
      title: `invalid (${name}) in one frame fails with 1007`,
      async run(peer) {
        peer.send({ opcode: OP.text, payload: bytes });
        await expectFailClose(peer, [1007]);
      },
    });
    cases.push({
      id: `6.${sub}.${++n}`,
      title: `invalid (${name}) in 1-byte fragments fails with 1007`,
      async run(peer) {
        peer.sendAll(fragmentsOf(OP.text, bytes, bytes.length));
        await expectFailClose(peer, [1007]);
      },
    });
    for (let p = 1; p < bytes.length; p++) {
      const failFast = knownAt !== null;
      cases.push({
        id: `6.${sub}.${++n}`,
        title: failFast
          ? `invalid (${name}) split at byte ${p}, no FIN sent: 1007 without waiting for FIN`
          : `invalid (${name}) split at byte ${p}: 1007 at FIN`,
        failFast,
        async run(peer) {
          if (!failFast) {
            peer.sendAll([
              { opcode: OP.text, payload: bytes.subarray(0, p), fin: false },
              { opcode: OP.continuation, payload: bytes.subarray(p) },
            ]);
            await expectFailClose(peer, [1007]);
            return;
          }
          // Send only what it takes to make the text invalid, never the final fragment.
          const specs: FrameSpec[] = [{ opcode: OP.text, payload: bytes.subarray(0, p), fin: false }];
          if (p < knownAt) specs.push({ opcode: OP.continuation, payload: bytes.subarray(p), fin: false });
          peer.sendAll(specs);
          await expectFailFast(peer, peer.options.strictFailFast);
        },
      });
    }
  }
  cases.push(...withinOneFrameCases(++sub));
  return cases;
}

/**
 * Autobahn 6.4.3/6.4.4: the invalid bytes arrive in the middle of one unfragmented 64 KiB
 * frame whose rest is never sent. A testee that validates only complete frames waits forever
 * (non-strict once the rest arrives).
 */
function withinOneFrameCases(sub: number): ConformanceCase[] {
  const picks = [
    'surrogate U+D800',
    'overlong "/" (2 bytes)',
    'byte 0xFF',
    '3-byte lead then ASCII',
    'U+110000',
  ];
  let n = 0;
  return INVALID_SEQUENCES.filter(([name]) => picks.includes(name)).map(([name, seqHex]) => {
    const bytes = Buffer.alloc(64 * 1024, 0x61);
    PREFIX.copy(bytes, 0);
    hex(seqHex).copy(bytes, PREFIX.length);
    const knownAt = invalidAfter(bytes) ?? bytes.length;
    return {
      id: `6.${sub}.${++n}`,
      title: `invalid (${name}) early in one 64 KiB frame, the rest of the frame not sent: 1007 at once`,
      failFast: true,
      async run(peer: Peer) {
        const frame = peer.encode({ opcode: OP.text, payload: bytes });
        const headerLength = frame.length - bytes.length;
        peer.write(frame.subarray(0, headerLength + knownAt));
        await expectFailFast(peer, peer.options.strictFailFast, () =>
          peer.write(frame.subarray(headerLength + knownAt)),
        );
      },
    };
  });
}

export const utf8Section = utf8Cases();
