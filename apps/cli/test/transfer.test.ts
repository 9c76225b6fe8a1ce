import { createClient } from '@parley/facade';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sendFile } from '../src/file-sender.js';
import { CliRegistry } from './support/cli-harness.js';

const clis = new CliRegistry();
const observers: WebSocket[] = [];
let work: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'parley-cli-transfer-'));
});
afterEach(async () => {
  await Promise.all(
    observers.splice(0).map(
      (ws) =>
        new Promise<void>((done) => {
          if (ws.readyState === WebSocket.CLOSED) return done();
          ws.once('close', () => done());
          ws.close();
        }),
    ),
  );
  await clis.stopAll();
  await rm(work, { recursive: true, force: true });
});

const MiB = 1024 * 1024;

async function transferServer(): Promise<string> {
  const server = clis.start(['transfer', '--port', '0']);
  const [, url] = await server.stdout.waitFor(/listening on (ws:\/\/\S+)/);
  return url!;
}

interface Observed {
  readonly binary: boolean;
  readonly data: Buffer;
}

/** A plain `ws` client on the relay: records every message it is forwarded, as delivered. */
async function observer(url: string): Promise<{ messages: Observed[]; count: (n: number) => Promise<void> }> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  observers.push(ws);
  const messages: Observed[] = [];
  let waiter: { n: number; done: () => void } | null = null;
  ws.on('message', (data, binary) => {
    messages.push({ binary, data: data as Buffer });
    if (waiter !== null && messages.length >= waiter.n) waiter.done();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const count = (n: number) =>
    messages.length >= n ? Promise.resolve() : new Promise<void>((done) => (waiter = { n, done }));
  return { messages, count };
}

/** Starts `parley receive` and waits until it is connected (so nothing sent later is missed). */
async function receiver(url: string, ...options: string[]) {
  const out = join(work, 'received');
  const cli = clis.start(['receive', url, '--out', out, ...options]);
  await cli.stdout.waitFor(/connected to|"event":"open"/);
  return { cli, out };
}

describe('parley send → transfer → parley receive', () => {
  it('delivers a 1 MiB random file byte for byte and reports the SHA-256 as OK', async () => {
    const url = await transferServer();
    const { cli: receive, out } = await receiver(url, '--count', '1');
    const watch = await observer(url);
    const content = randomBytes(MiB);
    const file = join(work, 'random.bin');
    await writeFile(file, content);
    const sha256 = createHash('sha256').update(content).digest('hex');

    const send = clis.start(['send', url, file]);
    expect(await send.exit).toBe(0);
    expect(send.stdout.text).toContain('Step 1 of 32: 32.0 KiB of 1.00 MiB');
    expect(send.stdout.text).toContain('Step 32 of 32: 1.00 MiB of 1.00 MiB');
    expect(send.stdout.text).toContain(`sent random.bin: sha256 ${sha256}`);
    // One message in 32 frames of 32 KiB, each with a client frame header: 2 bytes, a 16-bit
    // length, a 4-byte mask.
    const [, payload, wire] = send.stdout.text.match(/payloadSize: (\d+) wireSize: (\d+)/)!;
    expect(Number(payload)).toBe(MiB);
    expect(Number(wire)).toBe(MiB + 32 * (2 + 2 + 4));
    expect(send.stdout.text).toContain('closed: code 1000 wasClean=true');

    expect(await receive.exit).toBe(0);
    expect(receive.stdout.text).toContain('receiving random.bin (1048576 bytes)');
    expect(receive.stdout.text).toContain(`OK random.bin: 1048576 bytes, sha256 ${sha256}`);
    expect((await readFile(join(out, 'random.bin'))).equals(content)).toBe(true);
    expect(await readdir(out)).toEqual(['random.bin']);

    // What the relay forwards: header, the file as exactly one binary message, trailer.
    await watch.count(3);
    expect(watch.messages.map((m) => m.binary)).toEqual([false, true, false]);
    expect(JSON.parse(watch.messages[0]!.data.toString())).toEqual({
      type: 'file',
      name: 'random.bin',
      size: MiB,
    });
    expect(watch.messages[1]!.data.equals(content)).toBe(true);
    expect(JSON.parse(watch.messages[2]!.data.toString())).toEqual({
      type: 'end',
      name: 'random.bin',
      size: MiB,
      sha256,
    });
  });

  it('closes cleanly after a large send in big fragments (the sender pauses reading on backpressure)', async () => {
    const url = await transferServer();
    const { cli: receive } = await receiver(url, '--count', '1');
    const file = join(work, 'large.bin');
    // Over the facade's default 16 MiB max_payload: the relay and receiver accept whole files.
    await writeFile(file, randomBytes(20 * MiB));
    const send = clis.start(['send', url, file, '--fragment-size', String(256 * 1024), '-q']);
    expect(await send.exit).toBe(0);
    expect(send.stdout.text).not.toContain('Step ');
    expect(send.stdout.text).toContain('closed: code 1000 wasClean=true');
    expect(await receive.exit).toBe(0);
    expect(receive.stdout.text).toContain(`OK large.bin: ${20 * MiB} bytes`);
  });

  it('cancelling from the progress callback after 3 fragments sends no more and closes cleanly', async () => {
    const url = await transferServer();
    const { cli: receive, out } = await receiver(url, '--count', '1', '--json');
    const watch = await observer(url);
    const file = join(work, 'big.bin');
    await writeFile(file, randomBytes(MiB));
    const created = createClient({ url, reconnect: { enabled: false }, per_message_deflate: false });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const client = created.value;
    const closed = new Promise<{ code: number; wasClean: boolean }>((resolve) => client.on('close', resolve));
    expect((await client.start()).ok).toBe(true);

    const steps: number[] = [];
    const outcome = await sendFile({
      client,
      path: file,
      onProgress: ({ step }) => {
        steps.push(step);
        return step < 3;
      },
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.value).toMatchObject({
      completed: false,
      steps: 32,
      stepsSent: 3,
      payloadSize: 3 * 32 * 1024,
      // Three 32 KiB fragments, then the empty final fragment that ends the message short.
      wireSize: 3 * (32 * 1024 + 8) + 6,
      sha256: null,
    });
    expect(steps).toEqual([1, 2, 3]);
    await client.stop(1000, 'cancelled');
    expect(await closed).toMatchObject({ code: 1000, wasClean: true });

    expect(await receive.exit).toBe(1);
    const events = receive.stdout.text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.find((e) => e.event === 'incomplete')).toMatchObject({
      name: 'big.bin',
      received: 3 * 32 * 1024,
      expectedSize: MiB,
    });
    expect(await readdir(out)).toEqual([]);

    await watch.count(3);
    expect(watch.messages.map((m) => m.binary)).toEqual([false, true, false]);
    expect(watch.messages[1]!.data.length).toBe(3 * 32 * 1024);
    expect(JSON.parse(watch.messages[2]!.data.toString())).toEqual({
      type: 'cancel',
      name: 'big.bin',
      sent: 3 * 32 * 1024,
    });
  });

  it('Ctrl-C during parley send stops before the next fragment; the receiver discards the partial file', async () => {
    const url = await transferServer();
    const { cli: receive, out } = await receiver(url, '--count', '1');
    const file = join(work, 'slow.bin');
    await writeFile(file, randomBytes(64 * 1024));
    const send = clis.start(['send', url, file, '--fragment-size', '1024', '--throttle-ms', '50']);
    await send.stdout.waitFor(/Step 3 of 64/);
    send.interrupt();
    expect(await send.exit).toBe(1);
    const [, stepsSent] = send.stdout.text.match(/cancelled after (\d+) of 64 fragments/)!;
    expect(send.stdout.text).toContain('closed: code 1000 wasClean=true');
    expect(Number(stepsSent)).toBeLessThan(64);
    expect(await receive.exit).toBe(1);
    expect(receive.stdout.text).toMatch(
      /incomplete slow\.bin: received \d+ of 65536 bytes \(cancelled by the sender/,
    );
    expect(await readdir(out)).toEqual([]);
  });

  it('saves binary messages sent outside a file as message-N.bin and prints other text', async () => {
    const url = await transferServer();
    const { cli: receive, out } = await receiver(url, '--count', '2');
    const created = createClient({ url, reconnect: { enabled: false } });
    if (!created.ok) throw new Error(created.error.message);
    const client = created.value;
    expect((await client.start()).ok).toBe(true);
    client.send('just text');
    client.send(Buffer.from('first'));
    client.send(Buffer.from('second'));
    expect(await receive.exit).toBe(0);
    await client.stop();
    expect(receive.stdout.text).toContain('< just text');
    expect(await readFile(join(out, 'message-1.bin'), 'utf8')).toBe('first');
    expect(await readFile(join(out, 'message-2.bin'), 'utf8')).toBe('second');
  });

  it('reports a mismatch when the announced hash is wrong and keeps the data as .part', async () => {
    const url = await transferServer();
    const { cli: receive, out } = await receiver(url, '--count', '1');
    const created = createClient({ url, reconnect: { enabled: false } });
    if (!created.ok) throw new Error(created.error.message);
    const client = created.value;
    expect((await client.start()).ok).toBe(true);
    client.send(JSON.stringify({ type: 'file', name: 'x.txt', size: 5 }));
    client.send(Buffer.from('hello'));
    client.send(JSON.stringify({ type: 'end', name: 'x.txt', size: 5, sha256: '0'.repeat(64) }));
    expect(await receive.exit).toBe(1);
    await client.stop();
    expect(receive.stdout.text).toMatch(/mismatch x\.txt: got 5 bytes sha256 [0-9a-f]{64}, expected 5 bytes/);
    expect(await readdir(out)).toEqual(['x.txt.part']);
  });

  it('send exits 1 naming the file when it cannot be read or needs too many fragments, and when the server is unreachable', async () => {
    const url = await transferServer();
    const missing = clis.start(['send', url, join(work, 'nope.bin')]);
    expect(await missing.exit).toBe(1);
    expect(missing.stderr.text).toContain('FILE_UNREADABLE');
    const many = join(work, 'many.bin');
    await writeFile(many, Buffer.alloc(100_001));
    const tooMany = clis.start(['send', url, many, '--fragment-size', '1']);
    expect(await tooMany.exit).toBe(1);
    expect(tooMany.stderr.text).toContain('TOO_MANY_FRAGMENTS: 100001 fragments of 1 bytes');
    expect(tooMany.stdout.text).not.toContain('Step ');
    const huge = join(work, 'huge.bin');
    await writeFile(huge, '');
    await truncate(huge, 1024 * MiB + 1); // sparse: nothing is written to disk
    const tooLarge = clis.start(['send', url, huge]);
    expect(await tooLarge.exit).toBe(1);
    expect(tooLarge.stderr.text).toContain('FILE_TOO_LARGE');
    const refused = clis.start(['send', 'ws://127.0.0.1:1/', join(work, 'nope.bin')]);
    expect(await refused.exit).toBe(1);
    expect(refused.stderr.text).toContain('CONNECTION_REFUSED');
  });
});
