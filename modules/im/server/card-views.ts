import { cardViewRepository as cardViews } from './card-view-repository.ts';
import type { MessageRow, Party, Queryable } from './im-repository.ts';

/**
 * Shared and non-shared cards (Feishu's 共享卡片 / 独享卡片). A JSON 1.0 card without
 * `config.update_multi: true` is non-shared: what a click's update makes of it is that person's own
 * view (or the people the app names in a delayed update's `open_ids`), kept in `im_card_view`;
 * everyone else keeps seeing the message's content. JSON 2.0 cards are always shared.
 */

/** Whether a card (parsed JSON) is shared: one copy for everyone. */
export function isSharedCard(card: unknown): boolean {
  if (!card || typeof card !== 'object') return false;
  const { schema, config } = card as { schema?: unknown; config?: { update_multi?: unknown } };
  return schema === '2.0' || config?.update_multi === true;
}

function isSharedContent(content: string): boolean {
  try {
    return isSharedCard(JSON.parse(content));
  } catch {
    return false;
  }
}

/**
 * Whether an update changes a card for everyone: Feishu wants `update_multi` declared on the card
 * before and after (message.patch's rule); anything else updates the clicker's own view only.
 */
export function isSharedUpdate(storedContent: string, newContent: string): boolean {
  return isSharedContent(storedContent) && isSharedContent(newContent);
}

/**
 * The rows as one viewer sees them: a person's own card views replace the content of those cards.
 * Costs nothing when the rows hold no live card, else one primary-key lookup for the whole batch;
 * apps (and system callers) see the cards everyone else sees.
 */
export async function withOwnCardViews(db: Queryable, viewer: Party, rows: MessageRow[]): Promise<MessageRow[]> {
  if (viewer.kind !== 'user') return rows;
  const cardIds = rows.filter((row) => row.msg_type === 'interactive' && !row.recalled).map((row) => row.id);
  if (cardIds.length === 0) return rows;
  const views = await cardViews.contentsFor(db, viewer.id, cardIds);
  if (views.size === 0) return rows;
  return rows.map((row) => {
    const content = views.get(row.id);
    return content === undefined ? row : { ...row, content };
  });
}
