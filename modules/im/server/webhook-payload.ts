import { z } from 'zod';
import { parseContent } from './content.ts';
import { webhookErrors } from './webhook-errors.ts';

/** Message types a custom bot may post (Feishu's set; files and audio need an app). */
export const HOOK_MSG_TYPES = ['text', 'post', 'image', 'share_chat', 'interactive'] as const;
export type HookMsgType = (typeof HOOK_MSG_TYPES)[number];

const jsonObject = z.record(z.string(), z.unknown());

/**
 * A request to `/open-apis/bot/v2/hook/:token`, as Feishu defines it: `content` is an object here
 * (not the JSON string the im API takes), a card comes in `card`, and a signed request carries
 * `timestamp` (seconds, string or number) and `sign`.
 */
const HookBody = z.object({
  msg_type: z.enum(HOOK_MSG_TYPES),
  content: jsonObject.optional(),
  card: z.union([jsonObject, z.string()]).optional(),
  timestamp: z.union([z.string().max(20), z.number().int().nonnegative()]).optional(),
  sign: z.string().max(200).optional(),
});
export type HookBody = z.infer<typeof HookBody>;

/** What the hook sends: the im content format (`msgType` + JSON string), checked later like any message. */
export interface HookMessage {
  msgType: HookMsgType;
  content: string;
}

/** Parses the raw body; anything that is not Feishu's shape is 19001 `param invalid`. */
export function parseHookBody(raw: string): HookBody {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw webhookErrors.paramInvalid('the body is not JSON');
  }
  const result = HookBody.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw webhookErrors.paramInvalid(issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unexpected body');
  }
  return result.data;
}

/** The message in im's content format. */
export function hookMessage(body: HookBody): HookMessage {
  if (body.msg_type === 'interactive') {
    if (body.card === undefined) throw webhookErrors.paramInvalid('card is required for interactive messages');
    return { msgType: 'interactive', content: typeof body.card === 'string' ? body.card : JSON.stringify(body.card) };
  }
  if (!body.content) throw webhookErrors.paramInvalid(`content is required for ${body.msg_type} messages`);
  if (body.msg_type === 'share_chat') {
    // Feishu's hook names the chat `share_chat_id`; a message's content names it `chat_id`.
    const chatId = body.content.share_chat_id ?? body.content.chat_id;
    if (typeof chatId !== 'string') throw webhookErrors.paramInvalid('content.share_chat_id is required');
    return { msgType: 'share_chat', content: JSON.stringify({ chat_id: chatId }) };
  }
  return { msgType: body.msg_type, content: JSON.stringify(body.content) };
}

/** The `timestamp` as a string of digits, as the signature was computed over it. */
export function hookTimestamp(body: HookBody): string {
  return body.timestamp === undefined ? '' : String(body.timestamp);
}

/**
 * The words a keyword filter looks at: the text of text and post messages (mentions by name), and
 * the texts of a card (`content`, `text` and `title` strings). Images and shared chats have none.
 * Content that is not valid for its type is refused here (`content_invalid`), before anything else.
 */
export function hookText(message: HookMessage): string {
  const rendered = parseContent(message.msgType, message.content).render(() => undefined);
  return message.msgType === 'interactive' ? cardTexts(JSON.parse(rendered.content) as unknown).join('\n') : rendered.searchText;
}

const CARD_TEXT_KEYS = new Set(['content', 'text', 'title']);

function cardTexts(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return CARD_TEXT_KEYS.has(key) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((item) => cardTexts(item, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([name, item]) => cardTexts(item, name));
  return [];
}

/** Whether the message passes the bot's keyword filter (no keywords: every message does). */
export function matchesKeywords(message: HookMessage, keywords: readonly string[]): boolean {
  if (keywords.length === 0) return true;
  const text = hookText(message);
  return keywords.some((keyword) => text.includes(keyword));
}
