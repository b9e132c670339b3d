import { MERGE_PREVIEW_LINES, type MergeForwardContent, type MsgType } from '@kite/im/contract';
import type { MentionRow } from './tables.ts';

/** What Feishu shows as the content of every merge_forward message; the copies are read with messages.get. */
export const MERGED_OPEN_CONTENT = 'Merged and Forwarded Message';

/** Longest preview line a merge_forward bubble keeps per message. */
const PREVIEW_CHARS = 120;
/** Longest search text a merge_forward message keeps (its copies' words). */
const SEARCH_CHARS = 10_000;

/** The content apps see: Feishu's fixed text for a merge_forward, else the stored content. */
export function openContent(msgType: string, content: string): string {
  return msgType === 'merge_forward' ? MERGED_OPEN_CONTENT : content;
}

const MENTION_KEY = /@_user_\d+|@_all\b/g;

function mentionText(key: string, mentions: readonly MentionRow[], fallback?: string): string {
  if (key === '@_all') return '@all';
  const mention = mentions.find((candidate) => candidate.key === key);
  return mention ? `@${mention.name}` : (fallback ?? key);
}

type PostElement = { tag?: unknown; user_id?: unknown; user_name?: unknown };

function postWithoutMentions(value: Record<string, unknown>, mentions: readonly MentionRow[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [locale, body] of Object.entries(value)) {
    const lines = (body as { content?: unknown } | null)?.content;
    if (!Array.isArray(lines)) {
      result[locale] = body;
      continue;
    }
    result[locale] = {
      ...(body as object),
      content: lines.map((line) =>
        Array.isArray(line)
          ? line.map((element: PostElement) =>
              element?.tag === 'at'
                ? {
                    tag: 'text',
                    text: mentionText(
                      String(element.user_id ?? ''),
                      mentions,
                      `@${typeof element.user_name === 'string' ? element.user_name : ''}`,
                    ),
                  }
                : element,
            )
          : line,
      ),
    };
  }
  return result;
}

/**
 * A message's content with its mentions as plain `@Name` text: what a forwarded copy carries, so
 * it reads the same and notifies nobody again. Other types are returned as they are.
 */
export function withoutMentions(msgType: string, content: string, mentions: readonly MentionRow[]): string {
  if (msgType !== 'text' && msgType !== 'post') return content;
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return content;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return content;
  if (msgType === 'text') {
    const { text } = value as { text?: unknown };
    if (typeof text !== 'string') return content;
    return JSON.stringify({ ...value, text: text.replace(MENTION_KEY, (key) => mentionText(key, mentions)) });
  }
  return JSON.stringify(postWithoutMentions(value as Record<string, unknown>, mentions));
}

/** A message going into a merge_forward, with what its bubble and search need. */
export interface MergeEntry {
  senderName: string;
  msgType: MsgType;
  /** Plain text of text and rich text (`search_text`); empty for other types. */
  searchText: string;
}

/** The stored content of a merge_forward message and its search text. */
export function mergeContent(
  source: MergeForwardContent['source'],
  entries: readonly MergeEntry[],
): { content: string; searchText: string } {
  const header: MergeForwardContent = {
    source,
    count: entries.length,
    preview: entries.slice(0, MERGE_PREVIEW_LINES).map((entry) => ({
      sender: entry.senderName,
      msg_type: entry.msgType,
      text: entry.searchText.replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS),
    })),
  };
  const words = [source.chat_type === 'group' ? source.name : source.names.join(' '), ...entries.map((entry) => entry.searchText)];
  return { content: JSON.stringify(header), searchText: words.join(' ').slice(0, SEARCH_CHARS) };
}

/** The header a merge_forward message stores; a damaged one reads as an empty history. */
export function parseMergeContent(content: string): MergeForwardContent {
  try {
    const value = JSON.parse(content) as Partial<MergeForwardContent>;
    if (value && typeof value === 'object' && value.source && Array.isArray(value.preview)) {
      return { source: value.source, count: Number(value.count) || 0, preview: value.preview };
    }
  } catch {
    // fall through
  }
  return { source: { chat_type: 'group', name: '' }, count: 0, preview: [] };
}
