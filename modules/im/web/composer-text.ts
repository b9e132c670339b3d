/**
 * The composer is a plain textarea: a picked mention is shown as `@Name` and remembered beside the
 * text; on send each remembered mention still present becomes Feishu's `<at user_id="…">Name</at>`.
 * Pure functions, so the rules are tested without a browser.
 */

export interface ComposerMention {
  /** `openId` of the person, or `all`. */
  userId: string;
  name: string;
}

/** A draft as stored per chat (localStorage and the server's `draft`). */
export interface ComposerDraft {
  text: string;
  mentions: ComposerMention[];
}

/** The `@query` being typed just before the caret, if any: `@` at the start or after whitespace. */
export function activeMentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = before.match(/(^|\s)@([^\s@]{0,30})$/u);
  if (!match) return null;
  const query = match[2] ?? '';
  return { start: caret - query.length - 1, query };
}

/** Replaces the `@query` at `start` with `@Name ` and returns the new text and caret. */
export function insertMention(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The text message content (`{"text": …}` before JSON encoding) for a draft: every remembered
 * mention whose `@Name` is still in the text becomes an `<at>` tag; the rest stays plain text.
 */
export function draftToText(draft: ComposerDraft): string {
  let text = draft.text.trim();
  const seen = new Set<string>();
  // Longer names first, so "@Ann Lee" is not eaten by "@Ann".
  const mentions = [...draft.mentions].sort((a, b) => b.name.length - a.name.length);
  for (const mention of mentions) {
    if (seen.has(mention.userId)) continue;
    seen.add(mention.userId);
    const pattern = new RegExp(`@${escapeRegExp(mention.name)}(?=\\s|$|[,.!?，。！？])`, 'gu');
    const safeName = mention.name.replace(/[<>]/g, '');
    text = text.replace(pattern, `<at user_id="${mention.userId}">${safeName}</at>`);
  }
  return text;
}

/** Only the mentions whose `@Name` is still in the text (the rest were deleted by hand). */
export function liveMentions(draft: ComposerDraft): ComposerMention[] {
  return draft.mentions.filter((mention) => draft.text.includes(`@${mention.name}`));
}

/**
 * A text message's content back into a draft, for editing a sent message: stored `@_user_N` keys
 * (resolved through the message's `mentions`), `@_all`, and `<at>` tags become `@Name`.
 */
export function textToDraft(
  text: string,
  messageMentions: ReadonlyArray<{ key: string; id: string; name: string }> = [],
  allName = 'all',
): ComposerDraft {
  const mentions: ComposerMention[] = [];
  const plain = text.replace(
    /<at\s+user_id\s*=\s*"?([^"\s>]+)"?\s*>([^<]*)<\/at>|@_user_\d+|@_all\b/g,
    (whole, userId: string | undefined, name: string | undefined) => {
      if (userId !== undefined) {
        mentions.push({ userId, name: name ?? '' });
        return `@${name ?? ''}`;
      }
      if (whole === '@_all') {
        mentions.push({ userId: 'all', name: allName });
        return `@${allName}`;
      }
      const mention = messageMentions.find((candidate) => candidate.key === whole);
      if (!mention) return whole;
      mentions.push({ userId: mention.id, name: mention.name });
      return `@${mention.name}`;
    },
  );
  return { text: plain, mentions };
}

/** Reads a stored draft, tolerating old or foreign values. */
export function parseStoredDraft(value: string | null | undefined): ComposerDraft | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as Partial<ComposerDraft>;
    if (typeof parsed.text !== 'string') return null;
    const mentions = Array.isArray(parsed.mentions)
      ? parsed.mentions.filter(
          (mention): mention is ComposerMention => typeof mention?.userId === 'string' && typeof mention?.name === 'string',
        )
      : [];
    return { text: parsed.text, mentions };
  } catch {
    // A draft saved by another client as plain text.
    return { text: value, mentions: [] };
  }
}
