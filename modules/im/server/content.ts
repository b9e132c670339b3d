import { MAX_CONTENT_BYTES, type MsgType } from '@kite/im/contract';
import { AppError } from '@kite/kernel/errors';
import { containsNul } from '@kite/platform/validation';
import { z } from 'zod';
import type { MemberKind } from './tables.ts';

/** Feishu's card limit is 30 KB; a card is JSON the web renders, so it gets the same bound here. */
export const MAX_CARD_BYTES = 30 * 1024;
/** Mentions per message (Feishu caps them too); more is almost certainly a mistake or abuse. */
const MAX_MENTIONS = 100;
const ALL = 'all';

export function contentInvalid(message: string, tooLarge = false): AppError {
  return new AppError('content_invalid', message, {
    status: tooLarge ? 413 : 400,
    openStatus: 400,
    openCode: tooLarge ? 230_025 : 230_001,
  });
}

/** A mention as written by the sender, before it is resolved to a person or a bot. */
export interface RawMention {
  /** What the sender wrote in `user_id`: an `ou_…` open id, a user id, an internal id. */
  ref: string;
  /** The display name the sender gave, used when the ref resolves to nobody. */
  name: string;
}

export interface ResolvedMention {
  key: string;
  kind: MemberKind;
  id: string;
  name: string;
}

/** Content after parsing, before mentions are resolved. */
export interface ParsedContent {
  msgType: MsgType;
  /** Distinct mention refs, in order of first appearance (`all` excluded). */
  mentions: RawMention[];
  mentionsAll: boolean;
  /** Builds the stored content and its search text once each ref is resolved (or not: plain text). */
  render(resolve: (ref: string) => ResolvedMention | undefined): { content: string; searchText: string };
}

const textContent = z.object({ text: z.string().max(MAX_CONTENT_BYTES) }).passthrough();

const postElement = z.discriminatedUnion('tag', [
  z.object({
    tag: z.literal('text'),
    text: z.string(),
    un_escape: z.boolean().optional(),
    style: z.array(z.string().max(20)).max(5).optional(),
  }),
  z.object({ tag: z.literal('a'), text: z.string(), href: z.string().max(2000), style: z.array(z.string().max(20)).max(5).optional() }),
  z.object({ tag: z.literal('at'), user_id: z.string().min(1).max(64), user_name: z.string().max(100).optional() }),
  z.object({ tag: z.literal('img'), image_key: z.string().min(1).max(200), width: z.number().optional(), height: z.number().optional() }),
  z.object({ tag: z.literal('emotion'), emoji_type: z.string().min(1).max(50) }),
  z.object({ tag: z.literal('code_block'), language: z.string().max(30).optional(), text: z.string() }),
  z.object({ tag: z.literal('hr') }),
]);
type PostElement = z.infer<typeof postElement>;
const postBody = z.object({ title: z.string().max(500).optional(), content: z.array(z.array(postElement).max(500)).max(1000) });
const POST_LOCALES = ['zh_cn', 'en_us', 'ja_jp'] as const;

const imageContent = z.object({ image_key: z.string().min(1).max(200) });
const fileContent = z.object({ file_key: z.string().min(1).max(200), file_name: z.string().max(500).optional() });
const shareChatContent = z.object({ chat_id: z.string().min(1).max(64) });
const shareUserContent = z.object({ user_id: z.string().min(1).max(64) });

/** Only these schemes survive in post links: no `javascript:`, `data:` or app-internal schemes. */
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

/** `<at user_id="ou_x">Name</at>`; Feishu also accepts `id=` and unquoted values. */
const AT_TAG = /<at\s+(?:user_id|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))\s*>([\s\S]*?)<\/at>/g;

function parseJson(content: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    throw contentInvalid('content is not valid JSON');
  }
  // JSON may spell U+0000 as `\u0000`; stored text (search text above all) cannot hold it.
  if (containsNul(value)) throw contentInvalid('content may not contain NUL (U+0000) characters');
  return value;
}

function check<S extends z.ZodType>(schema: S, value: unknown, msgType: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw contentInvalid(`content is not valid ${msgType} content${issue ? ` (${issue.path.join('.') || 'root'}: ${issue.message})` : ''}`);
  }
  return result.data;
}

function collector() {
  const mentions: RawMention[] = [];
  const seen = new Set<string>();
  let all = false;
  return {
    add(ref: string, name: string) {
      if (ref === ALL) {
        all = true;
        return;
      }
      if (seen.has(ref)) return;
      if (mentions.length >= MAX_MENTIONS) throw contentInvalid(`at most ${MAX_MENTIONS} people can be mentioned in one message`);
      seen.add(ref);
      mentions.push({ ref, name });
    },
    get mentions() {
      return mentions;
    },
    get all() {
      return all;
    },
  };
}

function parseText(value: unknown): ParsedContent {
  const { text } = check(textContent, value, 'text');
  if (text.trim() === '') throw contentInvalid('text is empty');
  const found = collector();
  for (const match of text.matchAll(AT_TAG)) found.add((match[1] ?? match[2] ?? match[3] ?? '').trim(), match[4] ?? '');
  return {
    msgType: 'text',
    mentions: found.mentions,
    mentionsAll: found.all,
    render(resolve) {
      let search = '';
      // Feishu stores and delivers text with `@_user_N` placeholders; `mentions` maps them to people.
      const stored = text.replace(AT_TAG, (_tag, a?: string, b?: string, c?: string, name?: string) => {
        const ref = (a ?? b ?? c ?? '').trim();
        if (ref === ALL) return '@_all';
        const mention = resolve(ref);
        return mention ? mention.key : `@${name ?? ''}`;
      });
      search = text.replace(AT_TAG, (_tag, a?: string, b?: string, c?: string, name?: string) => {
        const ref = (a ?? b ?? c ?? '').trim();
        if (ref === ALL) return '@all';
        return `@${resolve(ref)?.name ?? name ?? ''}`;
      });
      return { content: JSON.stringify({ text: stored }), searchText: search };
    },
  };
}

function parsePost(value: unknown): ParsedContent {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw contentInvalid('post content must be an object');
  // The send API wraps locales directly; the receive format nests them under `post`. Accept both.
  const source = ('post' in value ? (value as { post: unknown }).post : value) as Record<string, unknown>;
  const bodies: Array<[string, z.infer<typeof postBody>]> = [];
  for (const locale of POST_LOCALES) {
    if (source[locale] !== undefined) bodies.push([locale, check(postBody, source[locale], 'post')]);
  }
  // A post without a locale key: `{"title","content"}` as Feishu's receive format has it.
  if (bodies.length === 0 && 'content' in source) bodies.push(['zh_cn', check(postBody, source, 'post')]);
  if (bodies.length === 0) throw contentInvalid('post content needs zh_cn, en_us or ja_jp');
  const found = collector();
  for (const [, body] of bodies) {
    for (const line of body.content) {
      for (const element of line) {
        if (element.tag === 'a' && !SAFE_LINK.test(element.href.trim())) {
          throw contentInvalid('post links must be http, https or mailto');
        }
        if (element.tag === 'at') found.add(element.user_id, element.user_name ?? '');
      }
    }
  }
  if (bodies.every(([, body]) => !body.title?.trim() && body.content.every((line) => line.length === 0))) {
    throw contentInvalid('post is empty');
  }
  return {
    msgType: 'post',
    mentions: found.mentions,
    mentionsAll: found.all,
    render(resolve) {
      const words: string[] = [];
      const sanitised: Record<string, unknown> = {};
      for (const [locale, body] of bodies) {
        if (body.title) words.push(body.title);
        const content = body.content.map((line) =>
          line.map((element): PostElement => {
            switch (element.tag) {
              case 'text':
                words.push(element.text);
                return { tag: 'text', text: element.text, ...(element.style ? { style: element.style } : {}) };
              case 'a':
                words.push(element.text);
                return { tag: 'a', text: element.text, href: element.href.trim(), ...(element.style ? { style: element.style } : {}) };
              case 'at': {
                if (element.user_id === ALL) {
                  words.push('@all');
                  return { tag: 'at', user_id: '@_all', user_name: element.user_name ?? 'all' };
                }
                const mention = resolve(element.user_id);
                words.push(`@${mention?.name ?? element.user_name ?? ''}`);
                return mention
                  ? { tag: 'at', user_id: mention.key, user_name: mention.name }
                  : { tag: 'text', text: `@${element.user_name ?? ''}` };
              }
              case 'code_block':
                words.push(element.text);
                return { tag: 'code_block', text: element.text, ...(element.language ? { language: element.language } : {}) };
              case 'img':
                return { tag: 'img', image_key: element.image_key };
              case 'emotion':
                return { tag: 'emotion', emoji_type: element.emoji_type };
              default:
                return { tag: 'hr' };
            }
          }),
        );
        sanitised[locale] = { title: body.title ?? '', content };
      }
      return { content: JSON.stringify(sanitised), searchText: words.join(' ') };
    },
  };
}

/** Tags whose `content` is text a card shows: titles, buttons, paragraphs, notes. */
const CARD_TEXT_TAGS = new Set(['plain_text', 'lark_md', 'markdown']);

/** The texts a card shows, in document order (what search finds a card by). */
function cardTexts(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) cardTexts(item, found);
  else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record.tag === 'string' && CARD_TEXT_TAGS.has(record.tag) && typeof record.content === 'string') found.push(record.content);
    for (const value of Object.values(record)) if (typeof value === 'object') cardTexts(value, found);
  }
  return found;
}

function parseStatic(msgType: MsgType, value: unknown): ParsedContent {
  let normalised: unknown;
  let searchText = '';
  switch (msgType) {
    case 'image':
      normalised = check(imageContent, value, msgType);
      break;
    case 'file': {
      const file = check(fileContent, value, msgType);
      normalised = file;
      searchText = file.file_name ?? '';
      break;
    }
    case 'share_chat':
      normalised = check(shareChatContent, value, msgType);
      break;
    case 'share_user':
      normalised = check(shareUserContent, value, msgType);
      break;
    case 'interactive': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw contentInvalid('a card must be a JSON object');
      normalised = value;
      searchText = cardTexts(value).join(' ');
      break;
    }
    default:
      throw contentInvalid(`msg_type ${msgType} cannot be sent`);
  }
  const content = JSON.stringify(normalised);
  if (msgType === 'interactive' && Buffer.byteLength(content) > MAX_CARD_BYTES) {
    throw contentInvalid(`a card may be at most ${MAX_CARD_BYTES} bytes`, true);
  }
  return { msgType, mentions: [], mentionsAll: false, render: () => ({ content, searchText }) };
}

/**
 * Validates `content` (a JSON string in Feishu's format for `msgType`) and extracts its mentions.
 * Throws `content_invalid` (400, or 413 when too large) so a bad message is refused before anything
 * is stored. Sanitises: post links keep only http/https/mailto, unknown attributes are dropped.
 */
export function parseContent(msgType: MsgType, content: string): ParsedContent {
  if (Buffer.byteLength(content) > MAX_CONTENT_BYTES) throw contentInvalid(`content may be at most ${MAX_CONTENT_BYTES} bytes`, true);
  const value = parseJson(content);
  if (msgType === 'text') return parseText(value);
  if (msgType === 'post') return parsePost(value);
  return parseStatic(msgType, value);
}

/** The text a message shows in a chat list preview or a notification. */
export function previewText(msgType: string, searchText: string): string {
  if (msgType === 'text' || msgType === 'post') return searchText.slice(0, 200);
  return `[${msgType}]`;
}
