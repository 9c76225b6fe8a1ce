// The ceiling: a node:net echo of the same bytes, no framing on either side.
import net from 'node:net';
import { serve } from './common.mjs';

serve(
  () =>
    new Promise((resolve) => {
      const server = net.createServer({ noDelay: true }, (socket) => {
        socket.on('data', (d) => socket.write(d));
        socket.on('error', () => {});
      });
      server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => resolve(server.address().port));
    }),
);
