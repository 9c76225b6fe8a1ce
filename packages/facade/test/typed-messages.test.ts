import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseTypedMessage } from '../src/server/typed-messages.js';

const Chat = z.object({ type: z.literal('chat'), text: z.string().max(10) });

describe('parseTypedMessage', () => {
  it('returns the parsed, typed value', () => {
    const outcome = parseTypedMessage(Chat, '{"type":"chat","text":"hi"}');
    expect(outcome).toEqual({ ok: true, value: { type: 'chat', text: 'hi' } });
  });

  it('accepts UTF-8 JSON in a binary message', () => {
    const outcome = parseTypedMessage(Chat, Buffer.from('{"type":"chat","text":"é"}'));
    expect(outcome.ok).toBe(true);
  });

  it('reports zod issues with their paths', () => {
    const outcome = parseTypedMessage(Chat, '{"type":"chat","text":"far too long text"}');
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.reason).toBe('schema');
    expect(outcome.issues[0]?.path).toBe('text');
    expect(outcome.issues[0]?.code).toBe('too_big');
  });

  it('reports broken JSON as a value, not an exception', () => {
    const outcome = parseTypedMessage(Chat, '{"type":');
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.reason).toBe('json');
    expect(outcome.issues[0]?.code).toBe('invalid_json');
  });
});
