import type { PlatformTables } from '@kite/platform/platform-tables';
import { preparedQuery } from '@kite/platform/prepared-query';
import { type Insertable, type Kysely, type Selectable, type SelectQueryBuilder, sql, type Transaction, type Updateable } from 'kysely';
import type { ImTables, MemberKind } from './tables.ts';

export type ImDb = PlatformTables & ImTables;
export type Queryable = Kysely<ImDb> | Transaction<ImDb>;
export type ChatRow = Selectable<ImTables['im_chat']>;
export type MemberRow = Selectable<ImTables['im_member']>;
export type MessageRow = Selectable<ImTables['im_message']>;
export type ReactionRow = Selectable<ImTables['im_reaction']>;

/** A reaction as a history page carries it: emoji, reactor kind, reactor id. */
export type PageReaction = [emoji_type: string, reactor_kind: MemberKind, reactor_id: string];

/**
 * What presenting a message to one viewer reads besides its row, selected with the row by the
 * history page's one statement (`listMessages`) rather than one statement each.
 */
export interface ViewerColumns {
  /** Its thread replies (as `replyCounts`). */
  reply_count: number;
  /** Its reactions in the order they were made (as `reactionsOf`). */
  reactions: PageReaction[];
  /** People of the chat whose read position is before it (as `readHistogram`). */
  unread_readers: number;
  /** When it roots a thread, its replies unread for the viewer (as `unreadRepliesOfRoots`); else 0. */
  unread_replies: number;
  /** The viewer's own view of it when it is a live card (as `withOwnCardViews`); else null. */
  own_card: string | null;
}
export type ViewedMessageRow = MessageRow & ViewerColumns;

/** Who a member (or a sender, or a reactor) is. */
export interface Party {
  kind: MemberKind;
  id: string;
}

/** Keyset position in a chat list ordered pinned first, then by last activity. */
export interface ChatCursor {
  pinned: boolean;
  activity: string;
  id: string;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Public ids carry a prefix (`oc_`, `om_`); anything else is an internal id. */
function byRef(ref: string, prefix: string): 'id' | 'public' {
  return ref.startsWith(prefix) ? 'public' : 'id';
}

/** A chat's timeline (quote replies in, thread replies out), or with `rootId` that root's thread. */
function inContainer<Q extends SelectQueryBuilder<ImDb, 'im_message', MessageRow>>(query: Q, rootId?: string): Q {
  if (!rootId) return query.where('in_thread', '=', false) as Q;
  return query.where((eb) => eb.or([eb('id', '=', rootId), eb.and([eb('root_id', '=', rootId), eb('in_thread', '=', true)])])) as Q;
}

/** The reactions to message `id` as `PageReaction`s in the order they were made: one json array. */
function reactionList(id: ReturnType<typeof sql.ref>) {
  return sql<PageReaction[]>`(select coalesce(json_agg(json_build_array(x.emoji_type, x.reactor_kind, x.reactor_id)
    order by x.created_at, x.id), '[]') from im_reaction x where x.message_id = ${id})`;
}

/** What a history page's statement takes: `user` when the viewer is a person, `before` / `after` / `rootId` when given. */
interface PageValues extends Record<string, unknown> {
  chatId: string;
  user?: string;
  before?: number;
  after?: number;
  rootId?: string;
}

/**
 * The history page's statement (`listMessages`): the page of chat `chatId` with the viewer's columns
 * (`ViewerColumns`) beside each row — correlated subqueries on `im_message_root`, `im_reaction`'s
 * unique key and `im_card_view`'s primary key, and the chat's read positions counted once
 * (`readers`, materialized, as `readHistogram` does) and summed per message. Prepared, as every
 * history page runs it: built once per page size and shape (which of `user`, `before`, `after`,
 * `rootId` are given). The page size is written into the statement: as a parameter, PostgreSQL
 * would plan the statement anew on every run (its generic plan, for an unknown limit, looks dearer
 * than planning for the one given), which on PGlite took longer than running it.
 */
const pageQueries = new Map<number, ReturnType<typeof pageQueryOf>>();

function pageQueryOf(limit: number) {
  return preparedQuery((db: Kysely<ImDb>, values: PageValues) => pageSelect(db, values, limit));
}

function pageSelect(db: Kysely<ImDb>, values: PageValues, limit: number) {
  const { chatId, user, before, after, rootId } = values;
  // Catching up (`after`) reads forwards; otherwise the newest page, reversed by `listMessages`.
  const forwards = after !== undefined && before === undefined;
  const message = (column: string) => sql.ref(`im_message.${column}`);
  const page = db
    .with(
      (cte) => cte('readers').materialized(),
      (inner) =>
        inner
          .selectFrom('im_member')
          .select(['last_read_seq', (eb) => eb.fn.countAll<number>().as('count')])
          .where('chat_id', '=', chatId)
          .where('member_kind', '=', 'user')
          .groupBy('last_read_seq'),
    )
    .selectFrom('im_message')
    .selectAll('im_message')
    .select((eb) => [
      eb
        .selectFrom('im_message as r')
        .select((inner) => inner.fn.countAll<number>().as('count'))
        .whereRef('r.root_id', '=', 'im_message.id')
        .where('r.in_thread', '=', true)
        .as('reply_count'),
      reactionList(message('id')).as('reactions'),
      eb
        .selectFrom('readers')
        .select(sql<number>`coalesce(sum(readers.count), 0)`.as('count'))
        .whereRef('readers.last_read_seq', '<', 'im_message.seq')
        .as('unread_readers'),
      user === undefined
        ? sql<number>`0`.as('unread_replies')
        : sql<number>`case when ${message('thread_id')} is not null and not ${message('in_thread')}
            then (select count(*) from im_message r where r.root_id = ${message('id')} and ${unreadThreadReply('r', user)}) else 0 end`.as(
            'unread_replies',
          ),
      user === undefined
        ? sql<string | null>`null::text`.as('own_card')
        : sql<string | null>`case when ${message('msg_type')} = 'interactive' and not ${message('recalled')}
            then (select v.content from im_card_view v where v.message_id = ${message('id')} and v.user_id = ${user}) end`.as('own_card'),
    ])
    .where('im_message.chat_id', '=', chatId);
  let query = inContainer(page, rootId);
  if (before !== undefined) query = query.where('seq', '<', before);
  if (after !== undefined) query = query.where('seq', '>', after);
  return query.orderBy('seq', forwards ? 'asc' : 'desc').limit(sql.lit(limit));
}

/** The caller's membership columns, selected next to a chat row (`m_…`, null when not a member). */
type MemberColumns = {
  m_kind: MemberKind | null;
  m_id: string | null;
  m_role: MemberRow['role'] | null;
  m_last_read_seq: number | null;
  m_last_read_at: Date | null;
  m_muted: boolean | null;
  m_pinned: boolean | null;
  m_draft: string | null;
  m_joined_at: Date | null;
};

/** A chat with the party's membership: one query where it used to take two. */
function chatWithMember(db: Queryable, party: Party) {
  return db
    .selectFrom('im_chat as c')
    .leftJoin('im_member as m', (join) =>
      join.onRef('m.chat_id', '=', 'c.id').on('m.member_kind', '=', party.kind).on('m.member_id', '=', party.id),
    )
    .selectAll('c')
    .select([
      'm.member_kind as m_kind',
      'm.member_id as m_id',
      'm.role as m_role',
      'm.last_read_seq as m_last_read_seq',
      'm.last_read_at as m_last_read_at',
      'm.muted as m_muted',
      'm.pinned as m_pinned',
      'm.draft as m_draft',
      'm.joined_at as m_joined_at',
    ]);
}

/**
 * Splits a chat-with-membership row into the chat, the caller's membership (undefined when not a
 * member) and the `extra` columns the query selected besides. Chat columns are whatever is left, so
 * a new `im_chat` column needs no change here.
 */
function splitChatMember<R extends ChatRow & MemberColumns, K extends Exclude<keyof R, keyof ChatRow | keyof MemberColumns>>(
  row: R,
  extra: readonly K[] = [],
): { chat: ChatRow; member: MemberRow | undefined; rest: Pick<R, K> } {
  const { m_kind, m_id, m_role, m_last_read_seq, m_last_read_at, m_muted, m_pinned, m_draft, m_joined_at, ...others } = row;
  const chatColumns: Record<string, unknown> = { ...others };
  const rest = {} as Pick<R, K>;
  for (const key of extra) {
    rest[key] = row[key];
    delete chatColumns[key as string];
  }
  const chat = chatColumns as ChatRow;
  const { id, tenant_id } = chat;
  const member: MemberRow | undefined =
    m_kind === null || m_id === null
      ? undefined
      : {
          tenant_id,
          chat_id: id,
          member_kind: m_kind,
          member_id: m_id,
          role: m_role!,
          last_read_seq: Number(m_last_read_seq),
          last_read_at: m_last_read_at,
          muted: m_muted!,
          pinned: m_pinned!,
          draft: m_draft!,
          joined_at: m_joined_at!,
        };
  return { chat, member, rest };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The oldest moment whose messages a tenant keeping them `days` days still keeps. */
export function retentionCutoff(days: number, now: Date): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** Messages of these chats after the party's read position in each. */
function unreadOf(db: Queryable, party: Party, chatIds: readonly string[]) {
  return db
    .selectFrom('im_message as msg')
    .innerJoin('im_member as m', (join) =>
      join.onRef('m.chat_id', '=', 'msg.chat_id').on('m.member_kind', '=', party.kind).on('m.member_id', '=', party.id),
    )
    .where('msg.chat_id', 'in', chatIds.length > 0 ? [...chatIds] : [''])
    .whereRef('msg.seq', '>', 'm.last_read_seq');
}

/**
 * Whether message `alias` leaves the chat's read position's count alone although it comes after
 * it: a system line, or a thread reply — thread replies count against their thread's own read
 * position instead (`unreadThreadReply`). Each arm matches a partial index on (chat_id, seq)
 * (`im_message_system`, `im_message_in_thread`).
 */
function notCountedUnread(alias: 'msg' | 's') {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<boolean>`(${col('msg_type')} = 'system' or ${col('in_thread')})`;
}

/**
 * Whether thread reply `alias` is unread for the person: as Feishu counts a thread's replies for
 * those in it, it counts for whoever wrote the root, replied in the thread or is @mentioned (or
 * @all) in the reply — when someone else wrote it after the person's read position in that thread
 * (`im_thread_read`, none: 0) and the person has not replied after it (replying reads what came
 * before, without a write on the send path). The others see it only as "N replies" on the root.
 * Computed at read time from the partial index `im_message_in_thread` and `im_message_root`.
 */
function unreadThreadReply(alias: 'r', userId: string) {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  const isUser = (table: string) => sql`${sql.ref(`${table}.sender_kind`)} = 'user' and ${sql.ref(`${table}.sender_id`)} = ${userId}`;
  return sql<boolean>`(${col('in_thread')} and not (${isUser(alias)})
    and ${col('seq')} > coalesce((select t.last_read_seq from im_thread_read t where t.root_id = ${col('root_id')} and t.user_id = ${userId}), 0)
    and not exists (select 1 from im_message later where later.root_id = ${col('root_id')} and later.in_thread and later.seq > ${col('seq')} and ${isUser('later')})
    and (${col('mentions_all')} or ${userId} = any(${col('mention_user_ids')})
      or exists (select 1 from im_message rt where rt.id = ${col('root_id')} and ${isUser('rt')})
      or exists (select 1 from im_message own where own.root_id = ${col('root_id')} and own.in_thread and ${isUser('own')})))`;
}

/**
 * The unread thread replies (`unreadThreadReply`) of the chats `chats` (a `chat_id in …` condition
 * on alias `m`), per chat, with how many mention the person — found from where the person is, not
 * by reading every thread reply: the threads they wrote in (their own roots and replies, partial
 * index `im_message_thread_sender`), each read from their position in it (`im_thread_read` or
 * their last reply there, whichever is later) through `im_message_root`; and replies naming them
 * (partial index `im_message_thread_mention`, replies with mentions only).
 */
function threadUnreadPerChat(userId: string, chats: (alias: 'm' | 'r') => ReturnType<typeof sql>) {
  const mentioned = sql`(r.mentions_all or ${userId} = any(r.mention_user_ids))`;
  return sql<{ chat_id: string; replies: number; mentions: number }>`
    with mine as (
      select case when m.in_thread then m.root_id else m.id end as root_id,
        max(case when m.in_thread then m.seq else 0 end) as own_seq
      from im_message m
      where m.sender_id = ${userId} and m.sender_kind = 'user' and m.thread_id is not null and ${chats('m')}
      group by 1
    ),
    unread as (
      select r.chat_id, r.id, ${mentioned} and not r.recalled as mentions
      from mine
      join im_message r on r.root_id = mine.root_id and r.in_thread
      left join im_thread_read t on t.root_id = mine.root_id and t.user_id = ${userId}
      where r.seq > greatest(coalesce(t.last_read_seq, 0), mine.own_seq)
        and not (r.sender_kind = 'user' and r.sender_id = ${userId})
      union
      select r.chat_id, r.id, not r.recalled
      from im_message r
      where r.in_thread and (r.mentions_all or r.mention_user_ids <> '{}') and ${chats('r')} and ${mentioned}
        and ${unreadThreadReply('r', userId)}
    )
    select chat_id, count(*) as replies, count(*) filter (where mentions) as mentions from unread group by chat_id`;
}

/** How many rows of `query` each chat has (none asked for: no query). */
async function countPerChat(query: ReturnType<typeof unreadOf>, chatIds: readonly string[]): Promise<Map<string, number>> {
  if (chatIds.length === 0) return new Map();
  const rows = await query
    .select(['msg.chat_id', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('msg.chat_id')
    .execute();
  return new Map(rows.map((row) => [row.chat_id, Number(row.count)]));
}

/** A message row as a send writes it (mentions as their JSON text). */
type NewMessageRow = Insertable<ImTables['im_message']> & { seq: number; created_at: Date };

/**
 * The chat locked for a send, by internal or public id (lockChatForSend): prepared, as every send
 * runs it.
 */
function lockForSendBy(column: 'c.id' | 'c.chat_id') {
  return preparedQuery((db: Kysely<ImDb>, values: { tenantId: string; ref: string; party: Party }) =>
    chatWithMember(db, values.party)
      .select((eb) => [
        eb
          .selectFrom('im_member as b')
          .select(sql<string[]>`coalesce(array_agg(b.member_id order by b.member_id), '{}')`.as('ids'))
          .whereRef('b.chat_id', '=', 'c.id')
          .where('b.member_kind', '=', 'app')
          .as('app_ids'),
        eb
          .selectFrom('im_member as u')
          .select((inner) => inner.fn.countAll<number>().as('count'))
          .whereRef('u.chat_id', '=', 'c.id')
          .where('u.member_kind', '=', 'user')
          .as('user_count'),
      ])
      .where('c.tenant_id', '=', values.tenantId)
      .where(column, '=', values.ref)
      .forUpdate('c'),
  );
}

const lockForSend = { id: lockForSendBy('c.id'), public: lockForSendBy('c.chat_id') };

/**
 * The chat's head, the message row, and the sender's read position (sending is reading), in one
 * statement; prepared, as every send runs it.
 */
const appendMessageQuery = preparedQuery((db: Kysely<ImDb>, { row, sender }: { row: NewMessageRow; sender: Party }) =>
  db
    .with('head', (cte) =>
      cte
        .updateTable('im_chat')
        .set({ last_seq: row.seq, last_message_at: row.created_at, updated_at: row.created_at })
        .where('id', '=', row.chat_id)
        .returning('id'),
    )
    .with('reader', (cte) =>
      cte
        .updateTable('im_member')
        .set({ last_read_seq: sql`greatest(last_read_seq, ${row.seq})`, last_read_at: row.created_at })
        .where('chat_id', '=', row.chat_id)
        .where('member_kind', '=', sender.kind)
        .where('member_id', '=', sender.id)
        .returning('member_id'),
    )
    .insertInto('im_message')
    .values(row),
);

export const imRepository = {
  /** How many days the tenant keeps messages (admin → Message retention); null: for good. */
  async retentionDays(db: Queryable, tenantId: string): Promise<number | null> {
    const row = await db.selectFrom('im_tenant_settings').select('retention_days').where('tenant_id', '=', tenantId).executeTakeFirst();
    return row?.retention_days == null ? null : Number(row.retention_days);
  },

  // Chats -----------------------------------------------------------------------------------------

  /** A chat by internal or public id, with the party's membership row (undefined when not a member). */
  async findChatAndMember(
    db: Queryable,
    tenantId: string,
    ref: string,
    party: Party,
  ): Promise<{ chat: ChatRow; member: MemberRow | undefined } | undefined> {
    const row = await chatWithMember(db, party)
      .where('c.tenant_id', '=', tenantId)
      .where(byRef(ref, 'oc_') === 'public' ? 'c.chat_id' : 'c.id', '=', ref)
      .executeTakeFirst();
    if (!row) return undefined;
    const { chat, member } = splitChatMember(row);
    return { chat, member };
  },

  /**
   * Locks the chat row for a send and reads under the lock, in the same statement, what the send
   * checks and announces: the chat, the sender's membership, the chat's bots and how many people
   * are in it. `ref` is the chat's id or its public `oc_…` id.
   */
  async lockChatForSend(
    trx: Transaction<ImDb>,
    tenantId: string,
    ref: string,
    party: Party,
  ): Promise<{ chat: ChatRow; member: MemberRow | undefined; appIds: string[]; userCount: number } | undefined> {
    const [row] = (await lockForSend[byRef(ref, 'oc_')](trx, { tenantId, ref, party })).rows;
    if (!row) return undefined;
    const { chat, member, rest } = splitChatMember(row, ['app_ids', 'user_count']);
    return { chat, member, appIds: rest.app_ids ?? [], userCount: Number(rest.user_count ?? 0) };
  },

  async findChat(db: Queryable, tenantId: string, ref: string): Promise<ChatRow | undefined> {
    return db
      .selectFrom('im_chat')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where(byRef(ref, 'oc_') === 'public' ? 'chat_id' : 'id', '=', ref)
      .executeTakeFirst();
  },

  /** Locks the chat row until the transaction ends: sends, membership and settings changes serialise on it. */
  async lockChat(trx: Transaction<ImDb>, tenantId: string, id: string): Promise<ChatRow | undefined> {
    return trx.selectFrom('im_chat').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  },

  async findP2p(db: Queryable, tenantId: string, p2pKey: string): Promise<ChatRow | undefined> {
    return db.selectFrom('im_chat').selectAll().where('tenant_id', '=', tenantId).where('p2p_key', '=', p2pKey).executeTakeFirst();
  },

  /** The live department group of a department, if any. */
  async findDepartmentChat(db: Queryable, tenantId: string, departmentId: string): Promise<ChatRow | undefined> {
    return db
      .selectFrom('im_chat')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('department_id', '=', departmentId)
      .where('dissolved', '=', false)
      .executeTakeFirst();
  },

  /** Every live department group (of one tenant, or of all). */
  async departmentChats(db: Queryable, tenantId?: string): Promise<Array<Pick<ChatRow, 'id' | 'tenant_id' | 'department_id'>>> {
    let query = db
      .selectFrom('im_chat')
      .select(['id', 'tenant_id', 'department_id'])
      .where('department_id', 'is not', null)
      .where('dissolved', '=', false);
    if (tenantId) query = query.where('tenant_id', '=', tenantId);
    return query.execute();
  },

  /** The people (not bots) in a chat. */
  async memberUserIds(db: Queryable, chatId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('im_member')
      .select('member_id')
      .where('chat_id', '=', chatId)
      .where('member_kind', '=', 'user')
      .execute();
    return rows.map((row) => row.member_id);
  },

  async insertChat(db: Queryable, row: Insertable<ImTables['im_chat']>): Promise<void> {
    await db.insertInto('im_chat').values(row).execute();
  },

  async updateChat(db: Queryable, tenantId: string, id: string, patch: Updateable<ImTables['im_chat']>): Promise<void> {
    await db
      .updateTable('im_chat')
      .set({ ...patch, updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  },

  /** Chats of a member, pinned first then most recent activity, keyset-paged. */
  async listChatsOf(db: Queryable, tenantId: string, party: Party, options: { after?: ChatCursor; limit: number; q?: string }) {
    let query = db
      .selectFrom('im_member as m')
      .innerJoin('im_chat as c', 'c.id', 'm.chat_id')
      .selectAll('c')
      .select(['m.pinned as member_pinned', sql<Date>`coalesce(c.last_message_at, c.created_at)`.as('activity')])
      .where('m.tenant_id', '=', tenantId)
      .where('m.member_kind', '=', party.kind)
      .where('m.member_id', '=', party.id)
      .where('c.dissolved', '=', false);
    if (options.q) query = query.where('c.name', 'ilike', `%${escapeLike(options.q)}%`);
    if (options.after) {
      const { pinned, activity, id } = options.after;
      query = query.where(
        sql<boolean>`(m.pinned, coalesce(c.last_message_at, c.created_at), c.id) < (${pinned}, ${new Date(activity)}::timestamptz, ${id})`,
      );
    }
    return query
      .orderBy('m.pinned', 'desc')
      .orderBy(sql`coalesce(c.last_message_at, c.created_at)`, 'desc')
      .orderBy('c.id', 'desc')
      .limit(options.limit)
      .execute();
  },

  /** Ids of every live chat a user is in: the gateway's topics at connect. */
  async chatIdsOfUser(db: Queryable, tenantId: string, userId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('im_member as m')
      .innerJoin('im_chat as c', 'c.id', 'm.chat_id')
      .select('c.id')
      .where('m.tenant_id', '=', tenantId)
      .where('m.member_kind', '=', 'user')
      .where('m.member_id', '=', userId)
      .where('c.dissolved', '=', false)
      .execute();
    return rows.map((row) => row.id);
  },

  /**
   * Unread messages across a user's chats, muted chats excluded (they do not ask for attention).
   * What does not count (`notCountedUnread`: system lines, thread replies) is looked for only where
   * something is unread; unread replies in the person's threads (`unreadThreadReply`) are added.
   */
  async totalUnread(db: Queryable, tenantId: string, userId: string): Promise<number> {
    const inCountedChats = (alias: 'm' | 'r') => sql`${sql.ref(`${alias}.chat_id`)} in (
      select cm.chat_id from im_member cm join im_chat cc on cc.id = cm.chat_id
      where cm.tenant_id = ${tenantId} and cm.member_kind = 'user' and cm.member_id = ${userId} and not cm.muted and not cc.dissolved)`;
    const threads = await threadUnreadPerChat(userId, inCountedChats).execute(db);
    const threadTotal = threads.rows.reduce((sum, row) => sum + Number(row.replies), 0);
    const row = await db
      .selectFrom('im_member as m')
      .innerJoin('im_chat as c', 'c.id', 'm.chat_id')
      .select(
        sql<number>`coalesce(sum(case when c.last_seq > m.last_read_seq then greatest(c.last_seq - m.last_read_seq - (
          select count(*) from im_message s where s.chat_id = c.id and s.seq > m.last_read_seq and ${notCountedUnread('s')}
        ), 0) else 0 end), 0)`.as('total'),
      )
      .where('m.tenant_id', '=', tenantId)
      .where('m.member_kind', '=', 'user')
      .where('m.member_id', '=', userId)
      .where('m.muted', '=', false)
      .where('c.dissolved', '=', false)
      .executeTakeFirst();
    return Number(row?.total ?? 0) + threadTotal;
  },

  // Members ---------------------------------------------------------------------------------------

  async findMember(db: Queryable, chatId: string, party: Party): Promise<MemberRow | undefined> {
    return db
      .selectFrom('im_member')
      .selectAll()
      .where('chat_id', '=', chatId)
      .where('member_kind', '=', party.kind)
      .where('member_id', '=', party.id)
      .executeTakeFirst();
  },

  async findMembers(db: Queryable, chatId: string, kind: MemberKind, ids: readonly string[]): Promise<MemberRow[]> {
    if (ids.length === 0) return [];
    return db
      .selectFrom('im_member')
      .selectAll()
      .where('chat_id', '=', chatId)
      .where('member_kind', '=', kind)
      .where('member_id', 'in', [...ids])
      .execute();
  },

  /** Members of one kind, keyset-paged by (role rank, member id): owner and admins first. */
  async listMembers(db: Queryable, chatId: string, options: { kind?: MemberKind; afterId?: string; limit: number }) {
    let query = db.selectFrom('im_member').selectAll().where('chat_id', '=', chatId);
    if (options.kind) query = query.where('member_kind', '=', options.kind);
    if (options.afterId) query = query.where('member_id', '>', options.afterId);
    return query.orderBy('member_id').limit(options.limit).execute();
  },

  async allMembers(db: Queryable, chatId: string): Promise<MemberRow[]> {
    return db.selectFrom('im_member').selectAll().where('chat_id', '=', chatId).execute();
  },

  async memberCounts(db: Queryable, chatIds: readonly string[]): Promise<Map<string, number>> {
    if (chatIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('im_member')
      .select(['chat_id', (eb) => eb.fn.countAll<number>().as('count')])
      .where('chat_id', 'in', [...chatIds])
      .where('member_kind', '=', 'user')
      .groupBy('chat_id')
      .execute();
    return new Map(rows.map((row) => [row.chat_id, Number(row.count)]));
  },

  /** The other people in these chats (for p2p peers): at most a few rows per chat. */
  async otherUserMembers(db: Queryable, chatIds: readonly string[], userId: string): Promise<MemberRow[]> {
    if (chatIds.length === 0) return [];
    return db
      .selectFrom('im_member')
      .selectAll()
      .where('chat_id', 'in', [...chatIds])
      .where((eb) => eb.or([eb('member_kind', '=', 'app'), eb('member_id', '!=', userId)]))
      .execute();
  },

  /** Adds members; returns the ones that were not members yet. */
  async insertMembers(db: Queryable, rows: Array<Insertable<ImTables['im_member']>>): Promise<Party[]> {
    if (rows.length === 0) return [];
    const inserted = await db
      .insertInto('im_member')
      .values(rows)
      .onConflict((oc) => oc.columns(['chat_id', 'member_kind', 'member_id']).doNothing())
      .returning(['member_kind', 'member_id'])
      .execute();
    return inserted.map((row) => ({ kind: row.member_kind, id: row.member_id }));
  },

  async deleteMembers(db: Queryable, chatId: string, kind: MemberKind, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await db
      .deleteFrom('im_member')
      .where('chat_id', '=', chatId)
      .where('member_kind', '=', kind)
      .where('member_id', 'in', [...ids])
      .returning('member_id')
      .execute();
    return rows.map((row) => row.member_id);
  },

  async updateMembers(db: Queryable, chatId: string, kind: MemberKind, ids: readonly string[], patch: Updateable<ImTables['im_member']>) {
    if (ids.length === 0) return;
    await db
      .updateTable('im_member')
      .set(patch)
      .where('chat_id', '=', chatId)
      .where('member_kind', '=', kind)
      .where('member_id', 'in', [...ids])
      .execute();
  },

  /** Moves a member's read position forward only (another tab may already have read further). */
  async advanceRead(db: Queryable, chatId: string, party: Party, seq: number, at: Date): Promise<MemberRow | undefined> {
    return db
      .updateTable('im_member')
      .set({ last_read_seq: sql`greatest(last_read_seq, ${seq})`, last_read_at: at })
      .where('chat_id', '=', chatId)
      .where('member_kind', '=', party.kind)
      .where('member_id', '=', party.id)
      .returningAll()
      .executeTakeFirst();
  },

  /** How many people have read up to each position: enough to count unread readers per message. */
  async readHistogram(db: Queryable, chatId: string): Promise<Array<{ seq: number; count: number }>> {
    const rows = await db
      .selectFrom('im_member')
      .select(['last_read_seq', (eb) => eb.fn.countAll<number>().as('count')])
      .where('chat_id', '=', chatId)
      .where('member_kind', '=', 'user')
      .groupBy('last_read_seq')
      .execute();
    return rows.map((row) => ({ seq: Number(row.last_read_seq), count: Number(row.count) }));
  },

  // Messages --------------------------------------------------------------------------------------

  async insertMessage(db: Queryable, row: Insertable<ImTables['im_message']>): Promise<void> {
    await db.insertInto('im_message').values(row).execute();
  },

  /**
   * A send's writes in one statement: the chat's head moves to `row.seq`, the message is stored and
   * the sender's read position moves to it. The caller holds the chat's row lock and took `row.seq`
   * as the locked `last_seq + 1`, so sequences stay gap-free.
   */
  async appendMessage(trx: Transaction<ImDb>, row: NewMessageRow, sender: Party) {
    await appendMessageQuery(trx, { row, sender });
  },

  /**
   * A system message's writes: the chat's head moves to `row.seq` and the row is stored. Nobody's
   * read position moves (system messages never count as unread). The caller holds the chat's row
   * lock and took `row.seq` as the locked `last_seq + 1`.
   */
  async appendSystemMessage(trx: Transaction<ImDb>, row: Insertable<ImTables['im_message']> & { seq: number; created_at: Date }) {
    // Two statements, not one: system messages are rare, and the send path's statement stays its own.
    await trx.insertInto('im_message').values(row).execute();
    await trx
      .updateTable('im_chat')
      .set({ last_seq: row.seq, last_message_at: row.created_at, updated_at: row.created_at })
      .where('id', '=', row.chat_id)
      .execute();
  },

  /** Messages after `seq` that the chat's read position does not count (`notCountedUnread`). */
  async notCountedAfter(db: Queryable, chatId: string, seq: number): Promise<number> {
    const row = await db
      .selectFrom('im_message as msg')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('msg.chat_id', '=', chatId)
      .where('msg.seq', '>', seq)
      .where(notCountedUnread('msg'))
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  },

  async findMessage(db: Queryable, tenantId: string, ref: string): Promise<MessageRow | undefined> {
    return db
      .selectFrom('im_message')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where(byRef(ref, 'om_') === 'public' ? 'message_id' : 'id', '=', ref)
      .executeTakeFirst();
  },

  async findMessagesByIds(db: Queryable, ids: readonly string[]): Promise<MessageRow[]> {
    if (ids.length === 0) return [];
    return db
      .selectFrom('im_message')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
  },

  async findByUuid(db: Queryable, chatId: string, sender: Party, uuid: string): Promise<MessageRow | undefined> {
    return db
      .selectFrom('im_message')
      .selectAll()
      .where('chat_id', '=', chatId)
      .where('sender_kind', '=', sender.kind)
      .where('sender_id', '=', sender.id)
      .where('uuid', '=', uuid)
      .executeTakeFirst();
  },

  /** The root of a thread by its public `omt_…` id (index `im_message_thread`). */
  async findThreadRoot(db: Queryable, tenantId: string, threadId: string): Promise<MessageRow | undefined> {
    return db
      .selectFrom('im_message')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('thread_id', '=', threadId)
      .where('in_thread', '=', false)
      .executeTakeFirst();
  },

  /** Names the thread a message roots: the one extra write of a thread's first reply. */
  async setThreadId(db: Queryable, messageId: string, threadId: string): Promise<void> {
    await db.updateTable('im_message').set({ thread_id: threadId }).where('id', '=', messageId).execute();
  },

  /**
   * A page of a chat by sequence as `viewer` sees it, in one statement: the rows with the viewer's
   * columns (`ViewerColumns`); always returned oldest first. The timeline (no `rootId`) leaves
   * thread replies out; a thread is its root and its thread replies.
   */
  async listMessages(
    db: Queryable,
    chatId: string,
    viewer: Party,
    options: { before?: number; after?: number; rootId?: string; limit: number },
  ): Promise<ViewedMessageRow[]> {
    let pageQuery = pageQueries.get(options.limit);
    if (!pageQuery) {
      pageQuery = pageQueryOf(options.limit);
      pageQueries.set(options.limit, pageQuery);
    }
    const { rows: found } = await pageQuery(db, {
      chatId,
      user: viewer.kind === 'user' ? viewer.id : undefined,
      before: options.before,
      after: options.after,
      rootId: options.rootId,
    });
    // Catching up (`after`) reads forwards; otherwise the newest page, reversed here.
    const forwards = options.after !== undefined && options.before === undefined;
    const rows = found.map((row) => ({
      ...row,
      reply_count: Number(row.reply_count),
      unread_readers: Number(row.unread_readers),
      unread_replies: Number(row.unread_replies),
    }));
    return forwards ? rows : rows.reverse();
  },

  /** A page of a chat by creation time (the open API's list), keyset on seq. */
  async listByTime(
    db: Queryable,
    chatId: string,
    options: { start?: Date; end?: Date; descending: boolean; afterSeq?: number; rootId?: string; limit: number },
  ): Promise<MessageRow[]> {
    let query = inContainer(db.selectFrom('im_message').selectAll().where('chat_id', '=', chatId), options.rootId);
    if (options.start) query = query.where('created_at', '>=', options.start);
    if (options.end) query = query.where('created_at', '<=', options.end);
    if (options.afterSeq !== undefined) query = query.where('seq', options.descending ? '<' : '>', options.afterSeq);
    return query
      .orderBy('seq', options.descending ? 'desc' : 'asc')
      .limit(options.limit)
      .execute();
  },

  /** The newest message of each chat (its seq is the chat's last_seq). */
  async lastMessages(db: Queryable, chatIds: readonly string[]): Promise<MessageRow[]> {
    if (chatIds.length === 0) return [];
    return db
      .selectFrom('im_message as m')
      .innerJoin('im_chat as c', (join) => join.onRef('c.id', '=', 'm.chat_id').onRef('c.last_seq', '=', 'm.seq'))
      .selectAll('m')
      .where('m.chat_id', 'in', [...chatIds])
      .execute();
  },

  async replyCounts(db: Queryable, rootIds: readonly string[]): Promise<Map<string, number>> {
    if (rootIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('im_message')
      .select(['root_id', (eb) => eb.fn.countAll<number>().as('count')])
      .where('root_id', 'in', [...rootIds])
      .where('in_thread', '=', true)
      .groupBy('root_id')
      .execute();
    return new Map(rows.map((row) => [row.root_id!, Number(row.count)]));
  },

  /** Unread timeline messages mentioning the user (or @all), per chat, for the chat list (threads: `threadUnreadCounts`). */
  async unreadMentionCounts(db: Queryable, userId: string, chatIds: readonly string[]): Promise<Map<string, number>> {
    return countPerChat(
      unreadOf(db, { kind: 'user', id: userId }, chatIds)
        .where('msg.recalled', '=', false)
        .where('msg.in_thread', '=', false)
        .where((eb) => eb.or([eb('msg.mentions_all', '=', true), eb(sql.val(userId), '=', eb.fn.any('msg.mention_user_ids'))])),
      chatIds,
    );
  },

  /** Messages after the party's read position that it does not count (`notCountedUnread`), per chat: the chat list leaves them out. */
  async unreadNotCountedCounts(db: Queryable, party: Party, chatIds: readonly string[]): Promise<Map<string, number>> {
    return countPerChat(unreadOf(db, party, chatIds).where(notCountedUnread('msg')), chatIds);
  },

  /** Unread replies in the person's threads (`unreadThreadReply`) per chat, and how many of them mention the person. */
  async threadUnreadCounts(
    db: Queryable,
    userId: string,
    chatIds: readonly string[],
  ): Promise<Map<string, { replies: number; mentions: number }>> {
    if (chatIds.length === 0) return new Map();
    const list = sql.join(chatIds.map((id) => sql`${id}`));
    const { rows } = await threadUnreadPerChat(userId, (alias) => sql`${sql.ref(`${alias}.chat_id`)} in (${list})`).execute(db);
    return new Map(rows.map((row) => [row.chat_id, { replies: Number(row.replies), mentions: Number(row.mentions) }]));
  },

  /** Unread replies for the person (`unreadThreadReply`) per thread root; roots without any are absent. */
  async unreadRepliesOfRoots(db: Queryable, userId: string, rootIds: readonly string[]): Promise<Map<string, number>> {
    if (rootIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('im_message as r')
      .select(['r.root_id', (eb) => eb.fn.countAll<number>().as('count')])
      .where('r.root_id', 'in', [...rootIds])
      .where(unreadThreadReply('r', userId))
      .groupBy('r.root_id')
      .execute();
    return new Map(rows.map((row) => [row.root_id!, Number(row.count)]));
  },

  /** The newest thread reply's seq (0: none). */
  async lastReplySeq(db: Queryable, rootId: string): Promise<number> {
    const row = await db
      .selectFrom('im_message')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('root_id', '=', rootId)
      .where('in_thread', '=', true)
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  },

  /** Moves a person's read position in a thread to `seq` (never back); answers the position before. */
  async advanceThreadRead(
    db: Queryable,
    row: { tenantId: string; chatId: string; rootId: string; userId: string; seq: number; now: Date },
  ): Promise<number> {
    const before = await db
      .selectFrom('im_thread_read')
      .select('last_read_seq')
      .where('root_id', '=', row.rootId)
      .where('user_id', '=', row.userId)
      .executeTakeFirst();
    await db
      .insertInto('im_thread_read')
      .values({
        tenant_id: row.tenantId,
        chat_id: row.chatId,
        root_id: row.rootId,
        user_id: row.userId,
        last_read_seq: row.seq,
        read_at: row.now,
      })
      .onConflict((oc) =>
        oc.columns(['root_id', 'user_id']).doUpdateSet({
          last_read_seq: sql`greatest(im_thread_read.last_read_seq, excluded.last_read_seq)`,
          read_at: sql`excluded.read_at`,
        }),
      )
      .execute();
    return Number(before?.last_read_seq ?? 0);
  },

  async updateMessage(db: Queryable, id: string, patch: Updateable<ImTables['im_message']>): Promise<void> {
    await db
      .updateTable('im_message')
      .set({ ...patch, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  },

  /**
   * The last `window` messages a read covers, (fromSeq, toSeq], oldest first, with their senders:
   * whose receipts change (people, live; apps, `im.message.read_v1`). One statement per read.
   */
  async messagesRead(db: Queryable, chatId: string, fromSeq: number, toSeq: number, window: number) {
    return db
      .selectFrom('im_message')
      .select(['message_id', 'sender_kind', 'sender_id'])
      .where('chat_id', '=', chatId)
      .where('seq', '>', Math.max(fromSeq, toSeq - window))
      .where('seq', '<=', toSeq)
      .where('recalled', '=', false)
      .orderBy('seq')
      .execute();
  },

  // Reactions -------------------------------------------------------------------------------------

  async insertReaction(db: Queryable, row: Insertable<ImTables['im_reaction']>): Promise<ReactionRow | undefined> {
    return db
      .insertInto('im_reaction')
      .values(row)
      .onConflict((oc) => oc.columns(['message_id', 'reactor_kind', 'reactor_id', 'emoji_type']).doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  async findReaction(db: Queryable, messageId: string, party: Party, emojiType: string): Promise<ReactionRow | undefined> {
    return db
      .selectFrom('im_reaction')
      .selectAll()
      .where('message_id', '=', messageId)
      .where('reactor_kind', '=', party.kind)
      .where('reactor_id', '=', party.id)
      .where('emoji_type', '=', emojiType)
      .executeTakeFirst();
  },

  async findReactionById(db: Queryable, messageId: string, id: string): Promise<ReactionRow | undefined> {
    return db.selectFrom('im_reaction').selectAll().where('message_id', '=', messageId).where('id', '=', id).executeTakeFirst();
  },

  async deleteReaction(db: Queryable, id: string): Promise<void> {
    await db.deleteFrom('im_reaction').where('id', '=', id).execute();
  },

  async reactionsOf(db: Queryable, messageIds: readonly string[]): Promise<ReactionRow[]> {
    if (messageIds.length === 0) return [];
    return db
      .selectFrom('im_reaction')
      .selectAll()
      .where('message_id', 'in', [...messageIds])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  },

  /** A message's reactions (with `emojiType`, that emoji's only), in the order they were made, after `after`. */
  async reactionsPage(
    db: Queryable,
    messageId: string,
    options: { emojiType?: string; after?: { createdAt: Date; id: string }; limit: number },
  ): Promise<ReactionRow[]> {
    let query = db.selectFrom('im_reaction').selectAll().where('message_id', '=', messageId);
    if (options.emojiType) query = query.where('emoji_type', '=', options.emojiType);
    const after = options.after;
    if (after) {
      query = query.where((eb) =>
        eb.or([eb('created_at', '>', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)])]),
      );
    }
    return query.orderBy('created_at').orderBy('id').limit(options.limit).execute();
  },

  async reactionCount(db: Queryable, messageId: string, emojiType: string): Promise<number> {
    const row = await db
      .selectFrom('im_reaction')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('message_id', '=', messageId)
      .where('emoji_type', '=', emojiType)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  },
};
