// Lightweight test clients (the `ws` package): connect, collect text messages, await lines.
import WebSocket from 'ws';

export class LineClient {
  readonly lines: string[] = [];
  private waiters: Array<{ predicate: (line: string) => boolean; resolve: (line: string) => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, binary) => {
      if (binary) return;
      const line = data.toString();
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => {
        if (!w.predicate(line)) return true;
        w.resolve(line);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static connect(url: string, protocols?: string[]): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocols);
      const client = new LineClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  send(data: string | object): void {
    this.socket.send(typeof data === 'string' ? data : JSON.stringify(data));
  }

  /** Resolves with the first line (already received or future) matching `predicate`. */
  waitFor(predicate: string | ((line: string) => boolean)): Promise<string> {
    const test = typeof predicate === 'string' ? (line: string) => line === predicate : predicate;
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ predicate: test, resolve }));
  }

  /** Resolves with the first JSON message of `type` (matching `where`). */
  async waitForJson(type: string, where: (m: Record<string, unknown>) => boolean = () => true) {
    const line = await this.waitFor((l) => {
      try {
        const m = JSON.parse(l) as Record<string, unknown>;
        return m.type === type && where(m);
      } catch {
        return false;
      }
    });
    return JSON.parse(line) as Record<string, unknown>;
  }

  close(): Promise<unknown> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    this.socket.close();
    return this.closed;
  }
}
