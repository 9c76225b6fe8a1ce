// Client-side benchmark with the ws package's client: 1 connection, `inflight` messages in flight.
import WebSocket from 'ws';
import { runClientBench } from './common.mjs';

runClientBench(
  (url) =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.on('error', reject);
      ws.on('open', () =>
        resolve({
          send: (buf) => ws.send(buf, { binary: true }),
          onMessage: (cb) => ws.on('message', cb),
          close: () => ws.terminate(),
        }),
      );
    }),
);
