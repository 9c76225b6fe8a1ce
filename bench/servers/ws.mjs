// The reference: the ws package (with or without its native addons, see run.mjs which sets
// WS_NO_BUFFER_UTIL / WS_NO_UTF_8_VALIDATE).
import { WebSocketServer } from 'ws';
import { serve } from './common.mjs';

serve(
  ({ mode, deflate }) =>
    new Promise((resolve) => {
      const wss = new WebSocketServer({
        host: '127.0.0.1',
        port: 0,
        backlog: 4096,
        maxPayload: 64 * 1024 * 1024,
        perMessageDeflate: deflate ? { threshold: 1024 } : false,
        clientTracking: true,
      });
      wss.on('connection', (ws) => {
        ws.on('error', () => {});
        if (mode === 'broadcast') {
          ws.on('message', (data, isBinary) => {
            for (const c of wss.clients) if (c.readyState === 1) c.send(data, { binary: isBinary });
          });
        } else {
          ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
        }
      });
      wss.on('listening', () => resolve(wss.address().port));
    }),
);
