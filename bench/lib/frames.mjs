// Minimal WebSocket framing for the load generator: just enough to drive servers at full
// speed without becoming the bottleneck. Client frames are masked once, up front, and the
// same bytes are reused for every send (servers unmask every frame anyway, so their cost
// is unchanged); server frames are only measured, never copied.
import { createHash, randomBytes } from 'node:crypto';

export const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export function maskedFrame(opcode, payload, fin = true, rsv1 = false) {
  const len = payload.length;
  const headerLen = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLen + 4 + len);
  frame[0] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  if (len < 126) frame[1] = 0x80 | len;
  else if (len < 65536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    frame.writeUInt32BE(len >>> 0, 6);
  }
  const key = randomBytes(4);
  key.copy(frame, headerLen);
  const off = headerLen + 4;
  for (let i = 0; i < len; i++) frame[off + i] = payload[i] ^ key[i & 3];
  return frame;
}

export function closeFrame(code = 1000) {
  const p = Buffer.alloc(2);
  p.writeUInt16BE(code, 0);
  return maskedFrame(0x8, p);
}

export function upgradeRequest(host, port, path = '/', extra = '') {
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  const head =
    `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;
  return { head, accept };
}

/**
 * Counts server frames in a byte stream without copying payloads. Calls onFrame(opcode,
 * payloadLength, firstPayloadBytes?) once per complete frame. Keeps at most one partial
 * header (≤ 14 bytes) between chunks.
 */
export class FrameCounter {
  constructor(onFrame, wantHead = 0) {
    this.onFrame = onFrame;
    this.wantHead = wantHead; // bytes of payload head to capture (for timestamps)
    this.remaining = 0; // payload bytes of the current frame still to skip
    this.opcode = 0;
    this.len = 0;
    this.head = null; // partial header bytes
    // One capture buffer per counter, reused for every frame: onFrame reads it synchronously
    // (a fresh Buffer per frame made the load generator the bottleneck of the broadcast cell).
    this.captureBuf = wantHead ? Buffer.alloc(wantHead) : null;
    this.captureFilled = 0;
  }
  push(chunk) {
    let pos = 0;
    const n = chunk.length;
    while (pos < n) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, n - pos);
        if (this.captureBuf !== null && this.captureFilled < this.wantHead)
          this.fillCapture(chunk, pos, take);
        this.remaining -= take;
        pos += take;
        if (this.remaining === 0) this.done();
        continue;
      }
      // parse a header, possibly across chunks
      let buf = chunk;
      let p = pos;
      if (this.head) {
        const need = Math.min(14 - this.head.length, n - pos);
        buf = Buffer.concat([this.head, chunk.subarray(pos, pos + need)]);
        p = 0;
      }
      const avail = buf.length - p;
      if (avail < 2) return this.keep(buf, p, chunk, pos);
      const b1 = buf[p + 1] & 0x7f;
      const hl = 2 + (b1 === 126 ? 2 : b1 === 127 ? 8 : 0) + (buf[p + 1] & 0x80 ? 4 : 0);
      if (avail < hl) return this.keep(buf, p, chunk, pos);
      this.opcode = buf[p] & 0x0f;
      let len = b1;
      if (b1 === 126) len = buf.readUInt16BE(p + 2);
      else if (b1 === 127) len = buf.readUInt32BE(p + 2) * 2 ** 32 + buf.readUInt32BE(p + 6);
      this.len = len;
      // advance pos in the original chunk by the header bytes taken from it
      if (this.head) {
        pos += hl - this.head.length;
        this.head = null;
      } else pos += hl;
      this.remaining = len;
      this.captureFilled = 0;
      if (len === 0) this.done();
    }
  }
  fillCapture(chunk, pos, take) {
    const k = Math.min(take, this.wantHead - this.captureFilled);
    chunk.copy(this.captureBuf, this.captureFilled, pos, pos + k);
    this.captureFilled += k;
  }
  keep(buf, p, chunk, pos) {
    this.head = this.head ? buf.subarray(p) : Buffer.from(chunk.subarray(pos));
  }
  done() {
    this.onFrame(this.opcode, this.len, this.captureBuf);
  }
}
