// Test clients on Parley's own client (`createClient` from the facade, reconnect off):
// connect, collect text messages, await lines.
import { type Client, createClient } from '@parley/facade';

export class LineClient {
  readonly lines: string[] = [];
  private waiters: Array<{ predicate: (line: string) => boolean; resolve: (line: string) => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private isClosed = false;
  /** The negotiated subprotocol ('' when none), set once open. */
  protocol = '';

  private constructor(private readonly client: Client) {
    client.on('message', (data, binary) => {
      if (binary || typeof data !== 'string') return;
      this.lines.push(data);
      this.waiters = this.waiters.filter((w) => {
        if (!w.predicate(data)) return true;
        w.resolve(data);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      client.once('close', (info) => {
        this.isClosed = true;
        resolve({ code: info.code, reason: info.reason });
      }),
    );
  }

  static async connect(url: string, protocols: string[] = []): Promise<LineClient> {
    const created = createClient({
      url,
      protocols,
      per_message_deflate: false,
      reconnect: { enabled: false },
    });
    if (!created.ok) throw new Error(created.error.message);
    const client = created.value;
    // Listen before start(): messages sent right after the upgrade must not be missed.
    const lineClient = new LineClient(client);
    const started = await client.start();
    if (!started.ok) throw new Error(started.error.message);
    lineClient.protocol = started.value.protocol;
    return lineClient;
  }

  get isOpen(): boolean {
    return this.client.readyState === 'open';
  }

  send(data: string | object): void {
    const sent = this.client.send(typeof data === 'string' ? data : JSON.stringify(data));
    if (!sent.ok) throw new Error(sent.error.message);
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

  async close(): Promise<unknown> {
    if (this.isClosed) return;
    await this.client.stop(1000, 'test done');
    return this.closed;
  }
}
