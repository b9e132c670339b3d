import type { MergeForwardContent, MessageView } from '@kite/im/contract';

/**
 * Message content (Feishu's `msgType` + JSON-string `content`) turned into a plain model that React
 * renders node by node. Nothing from a message ever reaches the DOM as HTML: links keep only
 * http(s)/mailto targets, and every other tag becomes text.
 */

export type InlineNode =
  | { kind: 'text'; text: string; bold?: boolean; italic?: boolean; strike?: boolean; underline?: boolean }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'mention'; userId: string; name: string; isAll: boolean }
  | { kind: 'emoji'; emojiType: string }
  | { kind: 'image'; imageKey: string }
  | { kind: 'code'; text: string; language: string };

/** One line of text-like content; a code block is a line of its own. */
export type ContentLine = InlineNode[];

export type ContentModel =
  | { kind: 'text'; lines: ContentLine[] }
  | { kind: 'post'; title: string; lines: ContentLine[] }
  | { kind: 'image'; imageKey: string }
  | { kind: 'file'; fileKey: string; fileName: string }
  /** `card` is the card JSON itself; its body is modelled by card-model.ts when it is shown. */
  | { kind: 'card'; title: string; template: string; card: Json }
  | { kind: 'share_chat'; chatId: string }
  | { kind: 'share_user'; userId: string }
  | { kind: 'system'; text: string }
  | { kind: 'merge_forward'; source: MergeForwardContent['source']; count: number; preview: MergeForwardContent['preview'] }
  | { kind: 'unknown'; msgType: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function parseJson(content: string): Json | null {
  try {
    const parsed: unknown = JSON.parse(content);
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The link target if it is http(s) or mailto, else null (javascript:, data: and friends are dropped). */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href.trim());
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** Bare URLs in text, so people can click them. Trailing punctuation stays text. */
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'，。！？、）》]+/giu;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;

function linkify(text: string, base: Omit<Extract<InlineNode, { kind: 'text' }>, 'kind' | 'text'> = {}): InlineNode[] {
  const nodes: InlineNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let raw = match[0];
    const trailing = raw.match(TRAILING_PUNCTUATION)?.[0] ?? '';
    if (trailing) raw = raw.slice(0, -trailing.length);
    const href = safeHref(raw);
    const start = match.index ?? 0;
    if (!href || !raw) continue;
    if (start > last) nodes.push({ kind: 'text', text: text.slice(last, start), ...base });
    nodes.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) nodes.push({ kind: 'text', text: text.slice(last), ...base });
  return nodes;
}

/** A message's `mentions`: the `@_user_N` keys Feishu's stored text uses, and who they are. */
export type MentionList = ReadonlyArray<{ key: string; id: string; name: string }>;

/**
 * Mentions in text: the stored form `@_user_1` / `@_all` (resolved through `mentions`), and the
 * send form `<at user_id="ou_x">Name</at>` that bots and older clients may still deliver.
 */
const TEXT_MENTION = /<at\s+(?:user_id|id|open_id|email)\s*=\s*"?([^"\s>]+)"?\s*>([^<]*)<\/at>|@_user_\d+|@_all\b/g;

function mentionNode(key: string, fallbackName: string, mentions: MentionList): InlineNode {
  if (key === 'all' || key === '@_all') return { kind: 'mention', userId: 'all', name: fallbackName || 'all', isAll: true };
  const mention = mentions.find((candidate) => candidate.key === key || candidate.id === key);
  return { kind: 'mention', userId: mention?.id ?? key, name: mention?.name || fallbackName || key, isAll: false };
}

/** Splits a text message into lines of text, links and mentions. */
export function parseTextWithMentions(text: string, mentions: MentionList = [], allName = 'all'): ContentLine[] {
  return text.split('\n').map((line) => {
    const nodes: InlineNode[] = [];
    let last = 0;
    for (const match of line.matchAll(TEXT_MENTION)) {
      const start = match.index ?? 0;
      if (start > last) nodes.push(...linkify(line.slice(last, start)));
      if (match[1] !== undefined) {
        const name = (match[2] ?? '').trim();
        nodes.push(mentionNode(match[1], match[1] === 'all' ? name || allName : name, mentions));
      } else {
        const key = match[0];
        const node = mentionNode(key, key === '@_all' ? allName : '', mentions);
        // An `@_user_N` with no entry in `mentions` is ordinary text someone typed.
        nodes.push(node.kind === 'mention' && !node.isAll && node.userId === key ? { kind: 'text', text: key } : node);
      }
      last = start + match[0].length;
    }
    if (last < line.length) nodes.push(...linkify(line.slice(last)));
    return mergeText(nodes);
  });
}

/** Joins neighbouring plain text nodes (left over from unresolved placeholders). */
function mergeText(nodes: InlineNode[]): InlineNode[] {
  const merged: InlineNode[] = [];
  for (const node of nodes) {
    const previous = merged[merged.length - 1];
    if (
      node.kind === 'text' &&
      previous?.kind === 'text' &&
      !node.bold &&
      !node.italic &&
      !node.strike &&
      !node.underline &&
      !previous.bold &&
      !previous.italic &&
      !previous.strike &&
      !previous.underline
    ) {
      merged[merged.length - 1] = { kind: 'text', text: previous.text + node.text };
    } else merged.push(node);
  }
  return merged;
}

function styleOf(element: Json): { bold?: boolean; italic?: boolean; strike?: boolean; underline?: boolean } {
  const style = Array.isArray(element.style) ? element.style : [];
  const result: { bold?: boolean; italic?: boolean; strike?: boolean; underline?: boolean } = {};
  if (style.includes('bold')) result.bold = true;
  if (style.includes('italic')) result.italic = true;
  if (style.includes('lineThrough')) result.strike = true;
  if (style.includes('underline')) result.underline = true;
  return result;
}

function postElement(element: unknown, mentions: MentionList): InlineNode[] {
  if (!isObject(element)) return [];
  switch (element.tag) {
    case 'text': {
      const text = asString(element.text);
      return text ? linkify(text, styleOf(element)) : [];
    }
    case 'a': {
      const text = asString(element.text) || asString(element.href);
      const href = safeHref(asString(element.href));
      return href ? [{ kind: 'link', text, href }] : [{ kind: 'text', text }];
    }
    case 'at':
      return [mentionNode(asString(element.user_id), asString(element.user_name), mentions)];
    case 'emotion':
      return [{ kind: 'emoji', emojiType: asString(element.emoji_type) }];
    case 'img':
      return [{ kind: 'image', imageKey: asString(element.image_key) }];
    case 'code_block':
      return [{ kind: 'code', text: asString(element.text), language: asString(element.language) }];
    case 'md':
      return linkify(asString(element.text));
    default:
      return [];
  }
}

/** Feishu sends `{zh_cn:{title,content}}` to the API and `{title,content}` when reading back. */
function postBody(json: Json, preferred: readonly string[]): { title: string; content: unknown[] } | null {
  if (Array.isArray(json.content)) return { title: asString(json.title), content: json.content };
  const keys = [...preferred, ...Object.keys(json)];
  for (const key of keys) {
    const body = json[key];
    if (isObject(body) && Array.isArray(body.content)) return { title: asString(body.title), content: body.content };
  }
  return null;
}

function postLines(content: unknown[], mentions: MentionList): ContentLine[] {
  const lines: ContentLine[] = [];
  for (const paragraph of content) {
    if (!Array.isArray(paragraph)) continue;
    let current: ContentLine = [];
    let brokenByCode = false;
    for (const element of paragraph) {
      const nodes = postElement(element, mentions);
      // A code block breaks the paragraph: text before, the block, text after.
      if (nodes.length === 1 && nodes[0]?.kind === 'code') {
        if (current.length) lines.push(current);
        lines.push(nodes);
        current = [];
        brokenByCode = true;
      } else current.push(...nodes);
    }
    if (current.length || !brokenByCode) lines.push(current);
  }
  return lines;
}

/** The small markdown dialect of cards (lark_md): **bold**, *italic*, ~~strike~~, [text](url), <at id=…></at>. */
export function parseCardMarkdown(markdown: string): ContentLine[] {
  const INLINE =
    /\*\*([^*]+)\*\*|~~([^~]+)~~|\*([^*\n]+)\*|\[([^\]]+)\]\(([^)\s]+)\)|<at\s+(?:id|user_id)\s*=\s*"?([^"\s>]+)"?\s*>([^<]*)<\/at>/g;
  return markdown.split('\n').map((line) => {
    const nodes: InlineNode[] = [];
    let last = 0;
    for (const match of line.matchAll(INLINE)) {
      const start = match.index ?? 0;
      if (start > last) nodes.push(...linkify(line.slice(last, start)));
      if (match[1] !== undefined) nodes.push({ kind: 'text', text: match[1], bold: true });
      else if (match[2] !== undefined) nodes.push({ kind: 'text', text: match[2], strike: true });
      else if (match[3] !== undefined) nodes.push({ kind: 'text', text: match[3], italic: true });
      else if (match[4] !== undefined) {
        const href = safeHref(match[5] ?? '');
        nodes.push(href ? { kind: 'link', text: match[4], href } : { kind: 'text', text: match[4] });
      } else {
        const userId = match[6] ?? '';
        nodes.push({ kind: 'mention', userId, name: (match[7] ?? '').trim() || userId, isAll: userId === 'all' });
      }
      last = start + match[0].length;
    }
    if (last < line.length) nodes.push(...linkify(line.slice(last)));
    return nodes;
  });
}

/** The text of a card text object (`{tag:'plain_text'|'lark_md', content}`) or a plain string. */
export function cardText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isObject(value)) return asString(value.content) || asString(value.text);
  return '';
}

/**
 * The renderable model of a message's content; `preferredLocales` picks the language of a
 * multi-language post (`zh_cn`, `en_us`).
 */
export function parseContent(
  msgType: string,
  content: string,
  options: { preferredLocales?: readonly string[]; mentions?: MentionList; allName?: string } = {},
): ContentModel {
  const json = parseJson(content);
  if (!json) return { kind: 'unknown', msgType };
  switch (msgType) {
    case 'text':
      return { kind: 'text', lines: parseTextWithMentions(asString(json.text), options.mentions, options.allName) };
    case 'post': {
      const body = postBody(json, options.preferredLocales ?? ['zh_cn', 'en_us']);
      return body
        ? { kind: 'post', title: body.title, lines: postLines(body.content, options.mentions ?? []) }
        : { kind: 'unknown', msgType };
    }
    case 'image':
      return { kind: 'image', imageKey: asString(json.image_key) };
    case 'file':
      return { kind: 'file', fileKey: asString(json.file_key), fileName: asString(json.file_name) };
    case 'interactive': {
      const header = isObject(json.header) ? json.header : {};
      return { kind: 'card', title: cardText(header.title), template: asString(header.template) || 'blue', card: json };
    }
    case 'share_chat':
      return { kind: 'share_chat', chatId: asString(json.chat_id) };
    case 'share_user':
      return { kind: 'share_user', userId: asString(json.user_id) };
    case 'system':
      // Kite's system lines are worded by system-line.ts from `MessageView.system`; only a plain `text` shows here.
      return { kind: 'system', text: asString(json.text) };
    case 'merge_forward':
      return mergeForwardModel(json);
    default:
      return { kind: 'unknown', msgType };
  }
}

/** A merged chat history's header (the server writes it; read defensively all the same). */
function mergeForwardModel(json: Json): ContentModel {
  const source = isObject(json.source) ? json.source : {};
  const names = Array.isArray(source.names) ? source.names.map(asString) : [];
  const preview = Array.isArray(json.preview) ? json.preview.filter(isObject) : [];
  return {
    kind: 'merge_forward',
    source: source.chat_type === 'p2p' ? { chat_type: 'p2p', names } : { chat_type: 'group', name: asString(source.name) },
    count: typeof json.count === 'number' ? json.count : preview.length,
    preview: preview.map((line) => ({
      sender: asString(line.sender),
      msg_type: asString(line.msg_type) as MessageView['msgType'],
      text: asString(line.text),
    })),
  };
}

function nodeText(node: InlineNode): string {
  switch (node.kind) {
    case 'mention':
      return `@${node.name}`;
    case 'emoji':
      return `[${node.emojiType}]`;
    case 'image':
      return '';
    default:
      return node.text;
  }
}

function lineText(line: ContentLine): string {
  return line.map(nodeText).join('');
}

/** Words for the placeholders of content that has no text of its own. */
export interface PreviewLabels {
  image: string;
  file: string;
  card: string;
  recalled: string;
  unsupported: string;
  /** How `@all` reads, e.g. 所有人. */
  all?: string;
  /** A merged chat history, e.g. [Chat history]. */
  chatHistory?: string;
}

/** One line of plain text for the chat list and notifications. */
export function previewText(
  message: Pick<MessageView, 'msgType' | 'content' | 'recalled'> & { mentions?: MentionList },
  labels: PreviewLabels,
): string {
  if (message.recalled) return labels.recalled;
  const model = parseContent(message.msgType, message.content, { mentions: message.mentions, allName: labels.all });
  switch (model.kind) {
    case 'text':
      return model.lines.map(lineText).join(' ').replace(/\s+/g, ' ').trim();
    case 'post': {
      const text = model.lines.map(lineText).join(' ').replace(/\s+/g, ' ').trim();
      const hasImage = model.lines.some((line) => line.some((node) => node.kind === 'image'));
      return [model.title, text].filter(Boolean).join(' ') || (hasImage ? labels.image : '');
    }
    case 'image':
      return labels.image;
    case 'file':
      return model.fileName ? `${labels.file} ${model.fileName}` : labels.file;
    case 'card':
      return model.title ? `${labels.card} ${model.title}` : labels.card;
    case 'system':
      return model.text;
    case 'merge_forward':
      return labels.chatHistory ?? labels.unsupported;
    default:
      return labels.unsupported;
  }
}

/** The plain text of a text message, for copying and for editing (mentions as @Name). */
export function plainText(message: Pick<MessageView, 'msgType' | 'content'> & { mentions?: MentionList }): string {
  const model = parseContent(message.msgType, message.content, { mentions: message.mentions });
  if (model.kind === 'text' || model.kind === 'post') {
    const body = model.lines.map(lineText).join('\n');
    return model.kind === 'post' && model.title ? `${model.title}\n${body}` : body;
  }
  return '';
}
