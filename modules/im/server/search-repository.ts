import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { ChatRow, ImDb, Queryable } from './im-repository.ts';
import { chatKeys, spread } from './search-terms.ts';

/**
 * How many of the newest messages (of the tenant, or of the one chat searched) are tested directly
 * before the index is asked. A query common enough to fill a page there never reads the index, whose
 * postings for a common term would be long; one that does not is rare enough that the index yields
 * about `limit × messages / RECENT_WINDOW` candidates at most (≈ 5,000 at 1M messages). See the README.
 */
export const RECENT_WINDOW = 4000;

/** Index keys one lookup may name (terms × chats): a person in very many chats looks up fewer terms. */
const KEY_BUDGET = 4096;

/** A place in the results: the last hit of a page. `at` is `created_at` as PostgreSQL prints it (microseconds kept). */
export interface SearchPosition {
  at: string;
  id: string;
}

export interface MatchQuery {
  tenantId: string;
  /** The chats to search: the caller's, or the one asked for. */
  chatIds: readonly string[];
  /** One chat asked for: its own history is walked, not the tenant's. */
  inChat: boolean;
  /** `queryTerms` of the query, at least one: the index looks them up. */
  terms: readonly string[];
  /** `wordStarts` of the query: words a match must have a word starting with. */
  wordStarts: readonly string[];
  /** The query: a match's search text contains it, case-insensitively. */
  text: string;
  senderId?: string;
  from?: Date;
  to?: Date;
  after?: SearchPosition;
  limit: number;
}

/** The terms to look up: all of them, unless the caller's many chats would make too many keys. */
function termsWithinBudget(terms: readonly string[], chats: number): readonly string[] {
  return spread(terms, Math.max(1, Math.floor(KEY_BUDGET / Math.max(1, chats))));
}

/**
 * What a match must satisfy besides where it is, the same for both steps: it contains the query,
 * has a word starting with each short word of it (found among its terms: `' ok '` in `' o ok okay '`),
 * and comes from the sender asked for.
 */
function matchConditions(query: MatchQuery): RawBuilder<unknown> {
  const conditions = [
    sql`not recalled`,
    sql`strpos(lower(search_text), lower(${query.text})) > 0`,
    ...query.wordStarts.map((word) => sql`position(${` ${word} `} in ' ' || search_terms || ' ') > 0`),
    ...(query.senderId ? [sql`sender_id = ${query.senderId}`] : []),
  ];
  return sql.join(conditions, sql` and `);
}

/**
 * Step one: the newest `RECENT_WINDOW` messages of the tenant (or of the one chat), walked newest
 * first through `im_message_recent` (`im_message_time` for a chat) and tested directly. Answers the
 * hits (at most `limit`: the walk stops early when they come quickly) and, when they are fewer and
 * the window was full, its oldest message (`edge`): step two continues below it.
 */
function recentMatches(query: MatchQuery): RawBuilder<SearchPosition & { edge: boolean }> {
  const scope = query.inChat ? sql`chat_id = ${query.chatIds[0]}` : sql`tenant_id = ${query.tenantId}`;
  return sql<SearchPosition & { edge: boolean }>`
    with recent as materialized (
      select id, chat_id, sender_id, created_at, recalled, search_text, search_terms
      from im_message
      where ${scope}
        and ${query.after ? sql`(created_at, id) < (${query.after.at}::timestamptz, ${query.after.id})` : sql`true`}
        and ${query.from ? sql`created_at >= ${query.from}` : sql`true`}
        and ${query.to ? sql`created_at < ${query.to}` : sql`true`}
      order by created_at desc, id desc
      limit ${RECENT_WINDOW}
    ),
    hits as materialized (
      select id, created_at from recent
      where chat_id = any(${[...query.chatIds]}::text[]) and ${matchConditions(query)}
      order by created_at desc, id desc
      limit ${query.limit}
    )
    select id, created_at::text as at, false as edge from hits
    union all
    select id, created_at::text, true from (select id, created_at from recent order by created_at, id limit 1) oldest
    where (select count(*) from hits) < ${query.limit} and (select count(*) from recent) = ${RECENT_WINDOW}`;
}

/**
 * Step two: older matches through the chat-keyed GIN index — messages holding every looked-up term
 * in one of the chats — then the same test as step one, newest first.
 */
function indexedMatches(query: MatchQuery, below: SearchPosition, limit: number): RawBuilder<SearchPosition> {
  const chatIds = [...query.chatIds];
  const keyConditions = sql.join(
    termsWithinBudget(query.terms, chatIds.length).map(
      (term): RawBuilder<unknown> => sql`im_search_keys(chat_id, search_terms) && ${chatKeys(chatIds, term)}::text[]`,
    ),
    sql` and `,
  );
  return sql<SearchPosition>`
    select id, created_at::text as at from (
      -- Only the index condition in here (offset 0 fences it), so the index is the way in.
      select id, chat_id, sender_id, created_at, recalled, search_text, search_terms from im_message
      where ${keyConditions}
      offset 0
    ) indexed
    where array_position(${chatIds}::text[], chat_id) is not null
      and (created_at, id) < (${below.at}::timestamptz, ${below.id})
      and ${query.from ? sql`created_at >= ${query.from}` : sql`true`}
      and ${matchConditions(query)}
    order by created_at desc, id desc
    limit ${limit}`;
}

/**
 * Tells the planner which way in each step takes. PGlite never analyzes, and estimates of `&&` over
 * many keys are far off even with statistics, so left alone it may sort a tenant's every message for
 * step one or scan the table for step two. Transaction-local; no parallel workers for one page.
 */
async function planFor(trx: Transaction<ImDb>, step: 'walk' | 'index'): Promise<void> {
  await sql`select set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', ${step === 'index' ? 'on' : 'off'}, true),
    set_config('max_parallel_workers_per_gather', '0', true)`.execute(trx);
}

export const searchRepository = {
  /** The newest messages matching, newest first: step one, and step two only when step one is short. */
  async findMatches(db: Kysely<ImDb>, query: MatchQuery): Promise<SearchPosition[]> {
    return db.transaction().execute(async (trx) => {
      await planFor(trx, 'walk');
      const recent = (await recentMatches(query).execute(trx)).rows;
      const hits = recent.filter((row) => !row.edge).map(({ at, id }) => ({ at, id }));
      const edge = recent.find((row) => row.edge);
      if (hits.length >= query.limit || !edge) return hits;
      await planFor(trx, 'index');
      return [...hits, ...(await indexedMatches(query, edge, query.limit - hits.length).execute(trx)).rows];
    });
  },

  async chatsByIds(db: Queryable, tenantId: string, ids: readonly string[]): Promise<ChatRow[]> {
    if (ids.length === 0) return [];
    return db
      .selectFrom('im_chat')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', [...ids])
      .execute();
  },

  /** Messages stored before search terms existed (or written without them), in id order. */
  async unindexed(db: Queryable, limit: number): Promise<Array<{ id: string; search_text: string }>> {
    return db.selectFrom('im_message').select(['id', 'search_text']).where('search_terms', 'is', null).orderBy('id').limit(limit).execute();
  },

  /** Writes search terms, unless the message changed meanwhile (an edit or recall wrote its own); answers how many. */
  async writeTerms(db: Queryable, rows: ReadonlyArray<{ id: string; searchText: string; terms: string }>): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await sql`
      update im_message set search_terms = given.terms
      from unnest(${rows.map((row) => row.id)}::text[], ${rows.map((row) => row.searchText)}::text[], ${rows.map((row) => row.terms)}::text[])
        as given(id, search_text, terms)
      where im_message.id = given.id and im_message.search_text = given.search_text and im_message.search_terms is null`.execute(db);
    return Number(result.numAffectedRows ?? 0);
  },
};
