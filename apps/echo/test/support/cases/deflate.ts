// Sections 12/13: permessage-deflate (RFC 7692) — every parameter combination negotiated,
// compressed messages echoed (with and without context takeover, fragmented, mixed with
// uncompressed ones), and the rules about RSV1 and inflated size.
import { constants, createDeflateRaw } from 'node:zlib';
import { expectEcho, expectFailClose } from '../expect.js';
import type { Peer } from '../peer.js';
import type { ConformanceCase, DeflateOffer } from '../runner.js';
import { closePayload, type FrameSpec, OP } from '../wire.js';
import { fragmentsOf } from './fragmentation.js';
import { payloadOf } from './framing.js';

/** Sends one message, compressed (RSV1 on the first frame only) unless `compress` is false. */
export async function sendMessage(
  peer: Peer,
  opcode: number,
  data: Buffer,
  options: { compress?: boolean; fragments?: number } = {},
): Promise<void> {
  const compress = options.compress ?? true;
  const wire = compress ? await peer.compress(data) : data;
  const specs = fragmentsOf(opcode, wire, options.fragments ?? 1);
  if (compress && specs[0]) specs[0].rsv1 = true;
  peer.sendAll(specs);
}

export const DEFLATE_OFFERS: DeflateOffer[] = [
  {},
  { clientMaxWindowBits: true },
  { serverNoContextTakeover: true },
  { clientNoContextTakeover: true, clientMaxWindowBits: true },
  { serverNoContextTakeover: true, clientNoContextTakeover: true },
  ...[8, 9, 10, 11, 12, 13, 14, 15].map((bits) => ({ serverMaxWindowBits: bits })),
  ...[8, 9, 10, 11, 12, 13, 14, 15].map((bits) => ({ clientMaxWindowBits: bits })),
  {
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 9,
    clientMaxWindowBits: 9,
  },
  { serverMaxWindowBits: 10, clientMaxWindowBits: true },
];

function describeOffer(o: DeflateOffer): string {
  const parts: string[] = [];
  if (o.serverNoContextTakeover) parts.push('server_no_context_takeover');
  if (o.clientNoContextTakeover) parts.push('client_no_context_takeover');
  if (o.serverMaxWindowBits !== undefined) parts.push(`server_max_window_bits=${o.serverMaxWindowBits}`);
  if (o.clientMaxWindowBits === true) parts.push('client_max_window_bits');
  else if (o.clientMaxWindowBits !== undefined) parts.push(`client_max_window_bits=${o.clientMaxWindowBits}`);
  return parts.length ? parts.join('; ') : 'no parameters';
}

/** With an 8-bit window (zlib really uses 9) our history must stay short: keep messages small. */
function smallWindow(peer: Peer): boolean {
  const d = peer.deflate;
  if (!d) return false;
  return (peer.role === 'client' ? d.clientMaxWindowBits : d.serverMaxWindowBits) === 8;
}

type MessagePlan = [string, (peer: Peer) => Promise<void>];

const PLANS: MessagePlan[] = [
  [
    'three compressed text messages (repeats exercise context takeover)',
    async (peer) => {
      const texts = smallWindow(peer)
        ? ['Hello', 'Hello', 'Hello, Hello']
        : ['Hello, world! '.repeat(40), 'Hello, world! '.repeat(40), 'κόσμε '.repeat(300)];
      for (const t of texts) {
        const data = Buffer.from(t);
        await sendMessage(peer, OP.text, data);
        await expectEcho(peer, OP.text, data);
      }
    },
  ],
  [
    'compressed binary in 3 fragments, then an empty compressed message',
    async (peer) => {
      const data = payloadOf(OP.binary, smallWindow(peer) ? 90 : 64 * 1024);
      await sendMessage(peer, OP.binary, data, { fragments: 3 });
      await expectEcho(peer, OP.binary, data);
      await sendMessage(peer, OP.binary, Buffer.alloc(0));
      await expectEcho(peer, OP.binary, Buffer.alloc(0));
    },
  ],
  [
    'uncompressed and compressed messages interleaved',
    async (peer) => {
      const a = Buffer.from(smallWindow(peer) ? 'plain' : 'plain text '.repeat(200));
      const b = Buffer.from(smallWindow(peer) ? 'packed' : 'packed text '.repeat(200));
      await sendMessage(peer, OP.text, a, { compress: false });
      await expectEcho(peer, OP.text, a);
      await sendMessage(peer, OP.text, b);
      await expectEcho(peer, OP.text, b);
      await sendMessage(peer, OP.text, a, { compress: false });
      await expectEcho(peer, OP.text, a);
      await sendMessage(peer, OP.text, b, { fragments: 2 });
      await expectEcho(peer, OP.text, b);
    },
  ],
];

/** Autobahn 12.x-like: many messages of growing size on one connection (context takeover). */
const MANY_MESSAGES: MessagePlan = [
  '30 compressed messages of 16 B to 128 KiB, text and binary alternating',
  async (peer) => {
    for (let i = 0; i < 30; i++) {
      const opcode = i % 2 ? OP.binary : OP.text;
      const size = Math.min(16 << Math.floor(i / 2), 128 * 1024);
      const data = payloadOf(opcode, size, i);
      await sendMessage(peer, opcode, data);
      await expectEcho(peer, opcode, data);
    }
  },
];

/** 2^27 zero bytes deflate to ~130 KiB: beyond any sane maxPayload (100 MiB by default). */
let bomb: Promise<Buffer> | null = null;
function compressionBomb(): Promise<Buffer> {
  bomb ??= new Promise((resolve, reject) => {
    const z = createDeflateRaw({ level: 9 });
    const parts: Buffer[] = [];
    z.on('data', (d: Buffer) => parts.push(d));
    z.on('error', reject);
    const chunk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 128; i++) z.write(chunk);
    z.flush(constants.Z_SYNC_FLUSH, () => {
      const all = Buffer.concat(parts);
      z.close();
      resolve(all.subarray(0, all.length - 4));
    });
  });
  return bomb;
}

function deflateCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  let sub = 0;
  for (const [index, offer] of DEFLATE_OFFERS.entries()) {
    sub++;
    let n = 0;
    // The long plan runs on the first five offers (the context-takeover variants).
    for (const [title, plan] of index < 5 ? [...PLANS, MANY_MESSAGES] : PLANS) {
      cases.push({
        id: `12.${sub}.${++n}`,
        title: `deflate (${describeOffer(offer)}): ${title}`,
        deflate: offer,
        run: plan,
      });
    }
  }
  sub++;
  let m = 0;
  const offerLists: [string, string][] = [
    [
      'an unacceptable offer, then a plain one',
      'permessage-deflate; server_max_window_bits=8, permessage-deflate',
    ],
    ['an unknown extension first', 'x-webkit-deflate-frame, permessage-deflate; client_max_window_bits'],
    [
      'a browser-style list of three offers',
      'permessage-deflate; client_no_context_takeover; client_max_window_bits, permessage-deflate; client_no_context_takeover, permessage-deflate',
    ],
  ];
  for (const [title, offerText] of offerLists) {
    cases.push({
      id: `12.${sub}.${++m}`,
      title: `deflate offer list (${title}): one is accepted and compressed messages are echoed`,
      testeeRole: 'server',
      deflate: {},
      offerText,
      run: PLANS[0]![1],
    });
  }
  const plain: DeflateOffer = {};
  let n = 0;
  const violations: [string, FrameSpec[], number[]][] = [
    [
      'RSV1 on a continuation frame',
      [
        { opcode: OP.text, payload: 'plain ', fin: false },
        { opcode: OP.continuation, payload: 'text', rsv1: true },
      ],
      [1002],
    ],
    ['RSV1 on a ping', [{ opcode: OP.ping, payload: 'x', rsv1: true }], [1002]],
    ['RSV1 on a pong', [{ opcode: OP.pong, payload: 'x', rsv1: true }], [1002]],
    ['RSV1 on a close', [{ opcode: OP.close, payload: closePayload(1000), rsv1: true }], [1002]],
    ['RSV2 with permessage-deflate negotiated', [{ opcode: OP.text, payload: 'x', rsv2: true }], [1002]],
    ['RSV3 with permessage-deflate negotiated', [{ opcode: OP.text, payload: 'x', rsv3: true }], [1002]],
    [
      'RSV1 message with data that is not deflate',
      [{ opcode: OP.binary, payload: Buffer.from([0xff, 0xff, 0xff, 0xff]), rsv1: true }],
      [1007, 1002],
    ],
  ];
  for (const [title, specs, codes] of violations) {
    cases.push({
      id: `13.1.${++n}`,
      title: `${title} fails with ${codes.join('/')}`,
      deflate: plain,
      async run(peer) {
        peer.sendAll(specs);
        await expectFailClose(peer, codes);
      },
    });
  }
  cases.push({
    id: `13.1.${++n}`,
    title: 'compressed text that inflates to invalid UTF-8 fails with 1007',
    deflate: plain,
    async run(peer) {
      await sendMessage(peer, OP.text, Buffer.from('ceba c0af 6564'.replace(/ /g, ''), 'hex'));
      await expectFailClose(peer, [1007]);
    },
  });
  cases.push({
    id: `13.1.${++n}`,
    title: 'compression bomb: 128 MiB of zeros in a 130 KiB message fails with 1009',
    deflate: plain,
    async run(peer) {
      peer.send({ opcode: OP.binary, payload: await compressionBomb(), rsv1: true });
      await expectFailClose(peer, [1009]);
    },
  });
  return cases;
}

export const deflateSection = deflateCases();
