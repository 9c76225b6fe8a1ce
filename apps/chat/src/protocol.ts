/**
 * The `parley-chat.v1` wire protocol: JSON text messages validated with zod.
 * A client that offers this subprotocol speaks it; a client that offers none speaks plain
 * text (each message is a chat line). The schemas are the single source of truth for both
 * directions; the web page and the terminal client import the inferred types.
 */
import { z } from 'zod';

export const CHAT_SUBPROTOCOL = 'parley-chat.v1';

/** Limits shared by both wire formats (documented in the README). */
export const ChatLimits = {
  /** Longest chat line in characters; longer `say` messages are refused. */
  maxTextLength: 2000,
  /** Nicknames: 1..24 characters of letters, digits, `_`, `-`, `.`. */
  maxNickLength: 24,
  /** Room names: 1..32 characters of lowercase letters, digits, `_`, `-`. */
  maxRoomLength: 32,
  /** Messages kept per room and replayed to newcomers. */
  historySize: 50,
} as const;

export const NickSchema = z
  .string()
  .min(1)
  .max(ChatLimits.maxNickLength)
  .regex(/^[\p{L}\p{N}_.-]+$/u, 'letters, digits, "_", "-" or "." only');
export const RoomSchema = z
  .string()
  .min(1)
  .max(ChatLimits.maxRoomLength)
  .regex(/^[a-z0-9_-]+$/, 'lowercase letters, digits, "_" or "-" only');
export const ChatTextSchema = z.string().min(1).max(ChatLimits.maxTextLength);

// ---- client → server -------------------------------------------------------------------

export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('join'), room: RoomSchema, nick: NickSchema.optional() }),
  z.object({ type: z.literal('leave') }),
  z.object({ type: z.literal('say'), text: ChatTextSchema }),
  z.object({ type: z.literal('typing') }),
  z.object({ type: z.literal('rooms') }),
  z.object({ type: z.literal('history') }),
  z.object({ type: z.literal('who') }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

// ---- server → client -------------------------------------------------------------------

export const ChatMessageSchema = z.object({
  room: RoomSchema,
  nick: NickSchema,
  text: ChatTextSchema,
  ts: z.number().int().nonnegative(),
  id: z.string().min(1),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const RoomSummarySchema = z.object({ name: RoomSchema, online: z.number().int().nonnegative() });
export type RoomSummary = z.infer<typeof RoomSummarySchema>;

export const ErrorCodeSchema = z.enum([
  'bad_message',
  'nick_taken',
  'not_joined',
  'bad_room',
  'bad_nick',
  'text_too_long',
]);
export type ChatErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    protocol: z.literal(CHAT_SUBPROTOCOL),
    server: z.string(),
    rooms: z.array(RoomSummarySchema),
  }),
  z.object({ type: z.literal('message'), ...ChatMessageSchema.shape }),
  z.object({
    type: z.literal('joined'),
    room: RoomSchema,
    nick: NickSchema,
    /** Everyone who joined in this batch when more than one (then `nick` is the first). */
    nicks: z.array(NickSchema).optional(),
    online: z.number().int().nonnegative(),
    /** Set on the copy sent to the newcomer itself. */
    you: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('left'),
    room: RoomSchema,
    nick: NickSchema,
    nicks: z.array(NickSchema).optional(),
    online: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal('presence'), room: RoomSchema, users: z.array(NickSchema) }),
  z.object({ type: z.literal('rooms'), list: z.array(RoomSummarySchema) }),
  z.object({ type: z.literal('history'), room: RoomSchema, messages: z.array(ChatMessageSchema) }),
  z.object({ type: z.literal('typing'), room: RoomSchema, nick: NickSchema }),
  z.object({ type: z.literal('error'), code: ErrorCodeSchema, message: z.string() }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

export type ParsedClientMessage =
  | { ok: true; value: ClientMessage }
  | { ok: false; code: ChatErrorCode; message: string };

/** Parses one `parley-chat.v1` text message from a client; never throws. */
export function parseClientMessage(raw: string): ParsedClientMessage {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'bad_message', message: 'not JSON' };
  }
  const parsed = ClientMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const tooLong = issue?.code === 'too_big' && issue.path[0] === 'text';
  return {
    ok: false,
    code: tooLong ? 'text_too_long' : 'bad_message',
    message: `${where}${issue?.message ?? 'invalid message'}`,
  };
}

/** Parses one server message (used by the terminal client and tests); never throws. */
export function parseServerMessage(raw: string): ServerMessage | null {
  try {
    const parsed = ServerMessageSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
