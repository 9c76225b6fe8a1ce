import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileReceiver, type ReceiveOutcome } from '../src/file-receiver.js';
import { encodeControl } from '../src/file-transfer-protocol.js';

let dir: string;
let outcomes: ReceiveOutcome[];
let receiver: FileReceiver;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-cli-receiver-'));
  outcomes = [];
  receiver = new FileReceiver(dir, (o) => outcomes.push(o));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const sha = (data: string) => createHash('sha256').update(data).digest('hex');

describe('FileReceiver', () => {
  it('saves a file that arrives as one binary message, as parley send sends it', async () => {
    receiver.text(encodeControl({ type: 'file', name: 'one.txt', size: 11 }));
    receiver.binary(Buffer.from('hello world'));
    receiver.text(encodeControl({ type: 'end', name: 'one.txt', size: 11, sha256: sha('hello world') }));
    expect(outcomes[1]).toMatchObject({ kind: 'file', status: 'ok', size: 11, sha256: sha('hello world') });
    expect(await readdir(dir)).toEqual(['one.txt']);
  });

  it('still assembles a file from several binary messages (the older sender form), renaming it after a matching end', async () => {
    expect(receiver.text(encodeControl({ type: 'file', name: 'a.txt', size: 11 }))).toBe(true);
    expect(receiver.receiving).toBe(true);
    receiver.binary(Buffer.from('hello '));
    expect(await readdir(dir)).toEqual(['a.txt.part']);
    receiver.binary(Buffer.from('world'));
    receiver.text(encodeControl({ type: 'end', name: 'a.txt', size: 11, sha256: sha('hello world') }));
    expect(receiver.receiving).toBe(false);
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('hello world');
    expect(await readdir(dir)).toEqual(['a.txt']);
    expect(outcomes.map((o) => o.kind)).toEqual(['started', 'file']);
    expect(outcomes[1]).toMatchObject({ status: 'ok', size: 11, sha256: sha('hello world') });
  });

  it('reports a size mismatch even when the hash of what arrived is announced', async () => {
    receiver.text(encodeControl({ type: 'file', name: 'b.txt', size: 10 }));
    receiver.binary(Buffer.from('short'));
    receiver.text(encodeControl({ type: 'end', name: 'b.txt', size: 5, sha256: sha('short') }));
    expect(outcomes[1]).toMatchObject({ kind: 'file', status: 'mismatch', size: 5 });
    expect(await readdir(dir)).toEqual(['b.txt.part']);
  });

  it('discards a file when the connection closes or another header arrives first', async () => {
    receiver.text(encodeControl({ type: 'file', name: 'c.txt', size: 3 }));
    receiver.binary(Buffer.from('c'));
    receiver.text(encodeControl({ type: 'file', name: 'd.txt', size: 3 }));
    receiver.binary(Buffer.from('dd'));
    receiver.connectionClosed();
    expect(outcomes.filter((o) => o.kind === 'incomplete')).toEqual([
      expect.objectContaining({ name: 'c.txt', received: 1, reason: expect.stringContaining('new file') }),
      expect.objectContaining({
        name: 'd.txt',
        received: 2,
        reason: expect.stringContaining('connection closed'),
      }),
    ]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses names that would hide the file, and writes no file for them', async () => {
    receiver.text(encodeControl({ type: 'file', name: '../.ssh', size: 1 }));
    expect(outcomes).toEqual([{ kind: 'refused', name: '../.ssh', reason: 'unsafe file name' }]);
    expect(receiver.receiving).toBe(false);
    // The bytes that follow are then an unannounced binary message.
    receiver.binary(Buffer.from('k'));
    expect(await readdir(dir)).toEqual(['message-1.bin']);
  });

  it('ignores an end without a file and passes ordinary text back', () => {
    expect(receiver.text(encodeControl({ type: 'end', name: 'x', size: 0, sha256: sha('') }))).toBe(true);
    expect(receiver.text('just chatting')).toBe(false);
    expect(outcomes).toEqual([]);
  });

  it('accepts an empty file', async () => {
    receiver.text(encodeControl({ type: 'file', name: 'empty', size: 0 }));
    receiver.text(encodeControl({ type: 'end', name: 'empty', size: 0, sha256: sha('') }));
    expect(outcomes[1]).toMatchObject({ kind: 'file', status: 'ok', size: 0 });
    expect(await readFile(join(dir, 'empty'), 'utf8')).toBe('');
  });
});
