import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInputLine } from '../src/commands/connect-input.js';
import { encodeControl, parseControl, safeFileName } from '../src/file-transfer-protocol.js';

describe('parseInputLine', () => {
  it.each([
    ['hello', { kind: 'text', text: 'hello' }],
    ['', { kind: 'text', text: '' }],
    ['//etc/passwd', { kind: 'text', text: '/etc/passwd' }],
    ['/ping', { kind: 'ping', payload: '' }],
    ['/ping a b', { kind: 'ping', payload: 'a b' }],
    ['/close', { kind: 'close', code: undefined, reason: '' }],
    ['/close 4001', { kind: 'close', code: 4001, reason: '' }],
    ['/close 1000 all done now', { kind: 'close', code: 1000, reason: 'all done now' }],
    ['/binary 48 65 6c', { kind: 'binary', data: Buffer.from('Hel') }],
    ['/binary', { kind: 'binary', data: Buffer.alloc(0) }],
    ['/quit', { kind: 'quit' }],
    ['/exit', { kind: 'quit' }],
    ['/help', { kind: 'help' }],
  ])('%j → %j', (line, action) => {
    expect(parseInputLine(line)).toEqual(action);
  });

  it.each(['/close soon', '/binary abc', '/binary zz', '/unknown'])(
    '%j is invalid with a message',
    (line) => {
      const action = parseInputLine(line);
      expect(action.kind).toBe('invalid');
    },
  );

  it('sends any line not starting with / as text unchanged', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.startsWith('/')),
        (line) => {
          expect(parseInputLine(line)).toEqual({ kind: 'text', text: line });
        },
      ),
    );
  });

  it('/binary round-trips any bytes written as hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const action = parseInputLine(`/binary ${Buffer.from(bytes).toString('hex')}`);
        expect(action).toEqual({ kind: 'binary', data: Buffer.from(bytes) });
      }),
    );
  });
});

describe('file transfer control messages', () => {
  const size = fc.nat({ max: Number.MAX_SAFE_INTEGER });
  const control = fc.oneof(
    fc.record({ type: fc.constant('file' as const), name: fc.string(), size }),
    fc.record({
      type: fc.constant('end' as const),
      name: fc.string(),
      size,
      sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
    }),
    fc.record({ type: fc.constant('cancel' as const), name: fc.string(), sent: size }),
  );

  it('parseControl(encodeControl(m)) is m', () => {
    fc.assert(
      fc.property(control, (message) => {
        expect(parseControl(encodeControl(message))).toEqual(message);
      }),
    );
  });

  it('never throws and treats other text as ordinary messages', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const parsed = parseControl(text);
        if (parsed !== null) expect(['file', 'end', 'cancel']).toContain(parsed.type);
      }),
    );
    expect(parseControl('hello')).toBeNull();
    expect(parseControl('{"type":"file","name":"a","size":-1}')).toBeNull();
    expect(parseControl('{"type":"file","name":"a","size":1.5}')).toBeNull();
    expect(parseControl('{"type":"end","name":"a","size":1,"sha256":"xyz"}')).toBeNull();
    expect(parseControl('{"type":"file","size":1}')).toBeNull();
    expect(parseControl('{"type":"other","name":"a"}')).toBeNull();
    expect(parseControl('{not json')).toBeNull();
  });

  it.each([
    ['photo.jpg', 'photo.jpg'],
    ['dir/sub/photo.jpg', 'photo.jpg'],
    ['C:\\Users\\x\\photo.jpg', 'photo.jpg'],
    ['../../etc/passwd', 'passwd'],
    ['..', null],
    ['.', null],
    ['', null],
    ['dir/', null],
    ['.bashrc', null],
    ['a\0b', null],
    ['x'.repeat(256), null],
  ])('safeFileName(%j) is %j', (name, expected) => {
    expect(safeFileName(name)).toBe(expected);
  });
});
