// The load generator: runs in its own process (pinned to its own CPU by run.mjs) and drives
// one server with a workload, then reports over IPC. It speaks just enough WebSocket to keep
// the server busy (see frames.mjs) and speaks raw bytes to the raw-net echo.
import net from 'node:net';
import { constants, deflateRawSync } from 'node:zlib';
import { closeFrame, FrameCounter, maskedFrame, upgradeRequest } from './frames.mjs';

const HOST = '127.0.0.1';

function connectWs(port, { raw = false, extra = '', onFrame, wantHead = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port, noDelay: true });
    socket.on('error', reject);
    if (raw) {
      socket.once('connect', () => resolve({ socket }));
      return;
    }
    const head = requestHead(port, extra);
    let buf = null;
    const counter = new FrameCounter(onFrame ?? (() => {}), wantHead);
    const onData = (d) => {
      // The whole 101 response nearly always arrives in one chunk: no copy then.
      buf = buf === null ? d : Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const status = buf.subarray(0, 12).toString();
      if (!status.includes(' 101')) return reject(new Error(`handshake failed: ${status}`));
      socket.off('data', onData);
      socket.on('data', (c) => counter.push(c));
      const rest = buf.subarray(end + 4);
      if (rest.length) counter.push(rest);
      resolve({ socket, counter });
    };
    socket.on('data', onData);
    socket.once('connect', () => socket.write(head));
  });
}

/**
 * One request head per target, built once: servers do not care whether keys repeat, and a
 * fresh key plus the SHA-1 of the expected accept per connection made the generator, not the
 * server, the limit of the connection-rate cell. The response's status is still checked.
 */
const heads = new Map();
function requestHead(port, extra) {
  const id = `${port} ${extra}`;
  let head = heads.get(id);
  if (head === undefined) {
    head = Buffer.from(upgradeRequest(HOST, port, '/', extra).head, 'latin1');
    heads.set(id, head);
  }
  return head;
}

/**
 * A connection to the raw echo, which returns the same bytes: a "message" is a whole frame's
 * worth of them, however the stream splits. Calls `onMessage` once per frame length received.
 */
async function connectRawEcho(port, frameLength, onMessage) {
  const client = await connectWs(port, { raw: true });
  let got = 0;
  client.socket.on('data', (d) => {
    got += d.length;
    while (got >= frameLength) {
      got -= frameLength;
      onMessage();
    }
  });
  return client;
}

function percentile(sorted, p) {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Echo throughput: `conns` connections, one message in flight each, for `seconds`. */
async function echo({ port, raw, size, text, conns, seconds }) {
  const payload = Buffer.alloc(size, text ? 0x61 : 0xab);
  const frame = maskedFrame(text ? 0x1 : 0x2, payload);
  let messages = 0;
  let running = true;
  const clients = [];
  for (let i = 0; i < conns; i++) {
    let client;
    if (raw) {
      client = await connectRawEcho(port, frame.length, () => {
        messages++;
        if (running) client.socket.write(frame);
      });
    } else {
      client = await connectWs(port, {
        onFrame: () => {
          messages++;
          if (running) client.socket.write(frame);
        },
      });
    }
    clients.push(client);
  }
  const t0 = process.hrtime.bigint();
  for (const c of clients) c.socket.write(frame);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const count = messages;
  for (const c of clients) c.socket.destroy();
  return { msgsPerSec: count / elapsed, mbPerSec: (count * size) / elapsed / 1e6 };
}

/** Latency at one connection: ping-pong one message at a time, record each round trip. */
async function latency({ port, raw, size, seconds }) {
  const payload = Buffer.alloc(size, 0xab);
  const frame = maskedFrame(0x2, payload);
  const samples = [];
  let t = 0n;
  let running = true;
  let client;
  const next = () => {
    t = process.hrtime.bigint();
    client.socket.write(frame);
  };
  const onReply = () => {
    samples.push(Number(process.hrtime.bigint() - t) / 1000);
    if (running) next();
  };
  if (raw) client = await connectRawEcho(port, frame.length, onReply);
  else client = await connectWs(port, { onFrame: onReply });
  next();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  client.socket.destroy();
  samples.sort((a, b) => a - b);
  return { p50us: percentile(samples, 50), p99us: percentile(samples, 99), samples: samples.length };
}

/** Connection rate: open, handshake, one 32 B echo, close; `parallel` loops for `seconds`. */
async function connRate({ port, raw, seconds, parallel }) {
  const frame = maskedFrame(0x2, Buffer.alloc(32, 1));
  const close = closeFrame(1000);
  let done = 0;
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  const one = () =>
    new Promise((resolve) => {
      if (raw) {
        const s = net.connect({ host: HOST, port, noDelay: true });
        s.once('connect', () => s.write(frame));
        s.once('data', () => s.end());
        s.once('close', () => resolve(true));
        s.on('error', () => resolve(false));
        return;
      }
      let phase = 0;
      connectWs(port, {
        onFrame: (op) => {
          if (phase === 0) {
            phase = 1;
            c.socket.write(close);
          } else if (op === 0x8) {
            c.socket.end();
          }
        },
      }).then(
        (client) => {
          c = client;
          c.socket.once('close', () => resolve(true));
          c.socket.write(frame);
        },
        () => resolve(false),
      );
      let c;
    });
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (Date.now() < deadline) {
        if (await one()) done++;
        else errors++;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  return { connsPerSec: done / elapsed, errors };
}

/** Idle connections: open `conns` WebSocket connections and keep them open until told. */
async function idle({ port, conns, raw }) {
  const clients = [];
  const batch = 200;
  for (let i = 0; i < conns; i += batch) {
    const part = await Promise.all(
      Array.from({ length: Math.min(batch, conns - i) }, () => connectWs(port, { raw }).catch(() => null)),
    );
    for (const c of part) if (c) clients.push(c);
  }
  process.send?.({ type: 'idle-open', open: clients.length });
  await new Promise((resolve) => process.once('message', resolve));
  for (const c of clients) c.socket.destroy();
  return { open: clients.length };
}

/** Broadcast: `receivers` listeners, one sender; `window` broadcasts in flight. */
async function broadcast({ port, receivers, seconds, size, window }) {
  const latencies = [];
  let deliveries = 0;
  let running = true;
  const receivedPerMsg = new Map();
  let sender;
  const sendOne = () => {
    const payload = Buffer.alloc(Math.max(size, 8), 0x20);
    payload.writeDoubleBE(performance.now(), 0);
    sender.socket.write(maskedFrame(0x2, payload));
  };
  const onFrame = (_op, _len, head) => {
    deliveries++;
    const sent = head.readDoubleBE(0);
    latencies.push(performance.now() - sent);
    const n = (receivedPerMsg.get(sent) ?? 0) + 1;
    if (n === receivers) {
      receivedPerMsg.delete(sent);
      if (running) sendOne();
    } else receivedPerMsg.set(sent, n);
  };
  const list = [];
  for (let i = 0; i < receivers; i += 100) {
    const part = await Promise.all(
      Array.from({ length: Math.min(100, receivers - i) }, () => connectWs(port, { onFrame, wantHead: 8 })),
    );
    list.push(...part);
  }
  sender = await connectWs(port); // its own copies are not counted
  const t0 = performance.now();
  for (let i = 0; i < window; i++) sendOne();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  const elapsed = (performance.now() - t0) / 1000;
  const count = deliveries;
  for (const c of list) c.socket.destroy();
  sender.socket.destroy();
  latencies.sort((a, b) => a - b);
  return {
    deliveriesPerSec: count / elapsed,
    p99ms: percentile(latencies, 99),
    p50ms: percentile(latencies, 50),
  };
}

/** permessage-deflate echo: `conns` connections each send `perConn` compressible JSON messages. */
async function deflateEcho({ port, conns, perConn, parallel }) {
  const json = Buffer.from(
    JSON.stringify(
      Array.from({ length: 200 }, (_, i) => ({
        id: i,
        name: `user-${i}`,
        active: i % 2 === 0,
        score: i * 3,
      })),
    ).slice(0, 16 * 1024),
  );
  // RFC 7692 §7.2.1: a sync-flushed block with its 00 00 ff ff tail removed
  const flushed = deflateRawSync(json, { finishFlush: constants.Z_SYNC_FLUSH });
  const compressed = flushed.subarray(0, flushed.length - 4);
  const frame = maskedFrame(0x1, compressed, true, true);
  const extra =
    'Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; client_max_window_bits\r\n';
  let total = 0;
  const t0 = process.hrtime.bigint();
  const runConn = async () => {
    const c = await new Promise((resolve, reject) => {
      let left = perConn;
      let client;
      connectWs(port, {
        extra,
        onFrame: () => {
          total++;
          if (--left > 0) client.socket.write(frame);
          else resolve(client);
        },
      }).then((cl) => {
        client = cl;
        cl.socket.write(frame);
      }, reject);
    });
    return c;
  };
  const open = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < conns) {
        next++;
        open.push(await runConn());
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  process.send?.({ type: 'deflate-done' });
  await new Promise((resolve) => process.once('message', resolve));
  for (const c of open) c.socket.destroy();
  return { msgsPerSec: total / elapsed, messages: total };
}

const workloads = { echo, latency, connRate, idle, broadcast, deflateEcho };

process.once('message', async ({ workload, params }) => {
  try {
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const result = await workloads[workload](params);
    const cpu = process.cpuUsage(cpu0);
    // The generator's own CPU: near 100% means it, not the server, set the pace.
    if (workload !== 'idle' && workload !== 'deflateEcho')
      result.genCpuPct = (cpu.user + cpu.system) / 10 / (performance.now() - wall0);
    process.send?.({ type: 'result', result });
  } catch (e) {
    process.send?.({ type: 'error', error: String(e?.stack ?? e) });
  }
  setTimeout(() => process.exit(0), 50);
});
