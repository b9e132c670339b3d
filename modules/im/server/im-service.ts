import type { UserLookup } from '@kite/contact/contract';
import {
  type CardViewEventPayload,
  type ChatEventPayload,
  type ChatSettings,
  type ChatView,
  type CreateChatInput,
  type EphemeralEventPayload,
  type ImParty,
  imEvents,
  type MembersEventPayload,
  type MessageEventPayload,
  type MessageEventView,
  type MessageSearchAnswer,
  type MessageView,
  type MsgType,
  type ReactionEventPayload,
  type ReactorsPage,
  type ReactorsQuery,
  type ReadEventPayload,
  type SearchQuery,
  type ThreadReadAnswer,
  type ThreadReadEventPayload,
  type UserRef,
} from '@kite/im/contract';
import type { Clock } from '@kite/kernel/clock';
import { errors } from '@kite/kernel/errors';
import { newId, publicId, randomHex } from '@kite/kernel/ids';
import type { AppDirectory, CardTemplateDirectory } from '@kite/openplatform/contract';
import { actorProfileOf, type RequestContext } from '@kite/platform/context';
import { uniqueViolation } from '@kite/platform/database';
import type { CommandRunner, Emit } from '@kite/platform/outbox';
import type { Kysely, Transaction } from 'kysely';
import { cardViewRepository as cardViews } from './card-view-repository.ts';
import { isSharedUpdate, withOwnCardViews } from './card-views.ts';
import { contentInvalid, type ParsedContent, parseContent, type RawMention, type ResolvedMention } from './content.ts';
import { asMessageRow, ephemeralRepository, ephemeralView, type SeqRange } from './ephemeral-repository.ts';
import {
  type ChatCursor,
  type ChatRow,
  type ImDb,
  type MemberRow,
  type MessageRow,
  type Party,
  type Queryable,
  type ReactionRow,
  imRepository as repo,
  type ViewedMessageRow,
} from './im-repository.ts';
import type { MessageResourceHooks } from './message-resources.ts';
import { MessageSearch } from './message-search.ts';
import { assertMember, assertNotSystem, assertScope, chatPermissions, DEFAULT_SETTINGS, imErrors, partyOf, settingsOf } from './policy.ts';
import {
  BOT_AVATAR_COLOR,
  type PartyInfo,
  partyKey,
  presentChat,
  presentChatEvent,
  presentChatRef,
  presentMessage,
  presentMessageEvent,
  presentParty,
  presentPartyRef,
  presentReactions,
  presentUserRef,
} from './presenters.ts';
import { searchTermsOf } from './search-terms.ts';
import {
  chatChangeContents,
  membershipContent,
  type SystemContent,
  systemContent,
  systemMessageRow,
  systemPartiesOf,
} from './system-messages.ts';
import type { MemberKind, MentionRow } from './tables.ts';
import { type CardContent, renderTemplateCard } from './template-cards.ts';
import { clearPinAndBuzzes } from './urgent-pin-repository.ts';
import { presentWebhookParty } from './webhook-presenters.ts';
import { webhookRepository } from './webhook-repository.ts';

export type Ctx = Pick<RequestContext, 'tenantId' | 'actor' | 'actorProfile' | 'ip' | 'userAgent' | 'scopes' | 'isTenantAdmin'>;

export interface ImServiceDeps {
  db: Kysely<ImDb>;
  commands: CommandRunner;
  users: UserLookup;
  apps: Pick<AppDirectory, 'listTenantApps'>;
  clock: Clock;
  /** How long senders may recall their own messages (chat owners and admins: any time). */
  recallMinutes: number;
  /** Uploaded images and files: checks the keys content names, records which messages refer to them. */
  resources?: MessageResourceHooks;
  /** Apps' card templates (open platform), for template cards; without it every template is unknown. */
  cardTemplates?: CardTemplateDirectory;
}

/** A message with everything a Feishu-shaped consumer needs (the open API presents these). */
export interface MessageRecord {
  message: MessageEventView;
  chat: { chatId: string; chatType: 'p2p' | 'group' };
  sender: ImParty | null;
  mentions: Array<ImParty & { key: string }>;
  parentMessageId: string | null;
  rootMessageId: string | null;
  /** A copy inside a merge_forward message: that message's `om_…` (Feishu's `upper_message_id`). */
  upperMessageId?: string;
}

export interface GroupInput {
  name: string;
  description?: string;
  userIds?: string[];
  departmentIds?: string[];
  appIds?: string[];
  /** Owner when an app creates the group for people; default: the creator. */
  ownerUserId?: string;
  /** A department group: the department whose people it keeps as members (DepartmentChats). */
  followDepartmentId?: string;
  settings?: Partial<ChatSettings>;
}

export interface ChatChanges {
  name?: string;
  description?: string;
  announcement?: string;
  /** The announcement revision this change was made against (open API); a stale one is refused. */
  announcementRevision?: number;
  settings?: Partial<ChatSettings>;
}

type Scope = { trx: Transaction<ImDb>; emit: Emit };

/** What a group command checks before its transaction ({@link ImService.groupCommand}). */
interface GroupCommandRule {
  /** The open-platform scope an app needs (leaving needs none). */
  scope?: 'im:chat';
  /** Whether the caller may, throwing the command's own refusal; runs once membership is known. */
  authorize: (standing: { member: MemberRow; rights: ChatView['permissions'] }) => void | Promise<void>;
  /** Whom the command's events and lines name besides the caller. */
  names?: readonly Party[];
}

/** What a group command's transaction works with: the chat row locked, the caller, who is named. */
interface GroupCommandScope extends Scope {
  /** The chat as locked: current, live. */
  chat: ChatRow;
  /** The caller's membership as read before the transaction. */
  member: MemberRow;
  party: Party;
  operator: PartyInfo;
  infos: ReadonlyMap<string, PartyInfo>;
}

type SendInput = {
  msgType: Exclude<MsgType, 'system'>;
  content: string;
  parentId?: string;
  /**
   * With `parentId`: a thread reply (Feishu's `reply_in_thread`), seen in the thread only; without,
   * a quote reply in the timeline. A reply to a thread reply is always in its thread.
   */
  replyInThread?: boolean;
  uuid?: string;
  /** Content the server built itself (a merge-forward), used as it is instead of parsing `content`. */
  parsed?: ParsedContent;
  /** Rows that belong to the new message (a merge-forward's snapshot), written in its transaction. */
  attach?: (trx: Transaction<ImDb>, row: MessageRow) => Promise<void>;
};

/** Where a list reads: a chat's timeline, or with `rootId` that root's thread. */
type MessageContainer = { chatId: string; rootId?: string };

/** Content the server built itself is no template card. */
const NO_TEMPLATE: CardContent = { content: '', template: null };

/** What a send stored (or found again by its uuid) and what presenting it to the sender needs. */
type Sent = { row: MessageRow; fresh: false } | { row: MessageRow; fresh: true; infos: Map<string, PartyInfo>; unreadCount: number };

/**
 * How far back a read is announced: its senders' receipts update live, and bots hear of their
 * messages read (`im.message.read_v1`). Older receipts refresh when next fetched.
 */
const READ_EVENT_WINDOW = 200;

function encodeChatCursor(cursor: ChatCursor): string {
  return Buffer.from(JSON.stringify([cursor.pinned, cursor.activity, cursor.id])).toString('base64url');
}

function encodeReactionCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id]), 'utf8').toString('base64url');
}

function decodeReactionCursor(token: string | undefined): { createdAt: Date; id: string } | undefined {
  if (!token) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof createdAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(createdAt))) {
      return { createdAt: new Date(createdAt), id };
    }
  } catch {
    // a malformed cursor is the caller's bad input, reported below
  }
  throw errors.validation('Invalid cursor');
}

function decodeChatCursor(token: string | undefined): ChatCursor | undefined {
  if (!token) return undefined;
  try {
    const [pinned, activity, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, unknown, unknown];
    if (typeof pinned === 'boolean' && typeof activity === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(activity))) {
      return { pinned, activity, id };
    }
  } catch {
    // a malformed cursor is the caller's bad input, reported below
  }
  throw errors.validation('Invalid cursor');
}

/** A new chat's row: empty, no messages, default settings unless given. */
function newChatRow(tenantId: string, now: Date, fields: Pick<ChatRow, 'chat_type'> & Partial<ChatRow>): ChatRow {
  return {
    id: newId(),
    tenant_id: tenantId,
    chat_id: publicId.chatId(),
    name: '',
    description: '',
    announcement: '',
    announcement_revision: 0,
    announcement_updated_at: null,
    owner_kind: null,
    owner_id: null,
    settings: { ...DEFAULT_SETTINGS },
    p2p_key: null,
    last_seq: 0,
    last_message_at: null,
    dissolved: false,
    department_id: null,
    created_at: now,
    updated_at: now,
    ...fields,
  };
}

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The messenger: chats, members, messages, reactions, read state. Commands check the same
 * permissions for the web, user tokens and bots, write, and emit one `im.*` event in the
 * transaction; the event payload is self-contained so realtime clients and apps need no lookup.
 *
 * Directory lookups (people, apps) run before a transaction opens, never inside it: on PGlite the
 * transaction holds the only connection.
 */

/** Who to add to or remove from a chat in the internal API. */
type PeopleInput = { userIds?: string[]; departmentIds?: string[] };

export class ImService {
  /** Message search, and the backfill of search terms for messages stored before it existed. */
  readonly messageSearch: MessageSearch;

  constructor(private readonly deps: ImServiceDeps) {
    this.messageSearch = new MessageSearch({ db: deps.db, clock: deps.clock, parties: (tenantId, list) => this.parties(tenantId, list) });
  }

  private get db() {
    return this.deps.db;
  }

  private run<T>(ctx: Ctx, body: (scope: Scope) => Promise<T>): Promise<T> {
    return this.deps.commands.run(ctx, (trx, emit) => body({ trx: trx as unknown as Transaction<ImDb>, emit }));
  }

  // Lookups ---------------------------------------------------------------------------------------

  /** People and bots by party, with names and every id; unknown ones are absent. */
  async parties(tenantId: string, list: readonly Party[]): Promise<Map<string, PartyInfo>> {
    const result = new Map<string, PartyInfo>();
    const userIds = [...new Set(list.filter((party) => party.kind === 'user').map((party) => party.id))];
    const appIds = new Set(list.filter((party) => party.kind === 'app').map((party) => party.id));
    for (const user of await this.deps.users.usersByIds(tenantId, userIds)) {
      result.set(partyKey('user', user.id), { type: 'user', ...actorProfileOf(user) });
    }
    if (appIds.size > 0) {
      for (const app of await this.deps.apps.listTenantApps(tenantId)) {
        if (!appIds.has(app.appId)) continue;
        result.set(partyKey('app', app.appId), {
          type: 'app',
          id: app.appId,
          openId: app.botOpenId,
          unionId: '',
          userId: '',
          name: app.name,
          avatarColor: BOT_AVATAR_COLOR,
        });
      }
    }
    const webhookIds = list.filter((party) => party.kind === 'webhook').map((party) => party.id);
    for (const bot of await webhookRepository.findByIds(this.db as never, tenantId, webhookIds)) {
      result.set(partyKey('webhook', bot.id), presentWebhookParty(bot));
    }
    return result;
  }

  /** One person or bot with every id; unknown ones are an error. */
  async party(tenantId: string, party: Party): Promise<PartyInfo> {
    const found = (await this.parties(tenantId, [party])).get(partyKey(party.kind, party.id));
    if (!found) throw party.kind === 'user' ? imErrors.userNotFound() : errors.notFound('App');
    return found;
  }

  /** Active users of the tenant by internal id; any unknown or deactivated id is an error. */
  private async requireActiveUsers(tenantId: string, ids: readonly string[]): Promise<void> {
    const unique = [...new Set(ids)];
    const found = await this.deps.users.usersByIds(tenantId, unique);
    if (found.filter((user) => user.status === 'active').length !== unique.length) throw imErrors.userNotFound();
  }

  private async requireApps(tenantId: string, appIds: readonly string[]): Promise<void> {
    if (appIds.length === 0) return;
    const known = new Set((await this.deps.apps.listTenantApps(tenantId)).map((app) => app.appId));
    if (!appIds.every((id) => known.has(id))) throw errors.notFound('App');
  }

  /**
   * Resolves what a sender wrote in `<at user_id="…">`: an open id (`ou_…`, a person's or a bot's),
   * an app id, an internal user id or an employee user id. Unresolved refs stay plain text.
   */
  private async resolveMentions(tenantId: string, raw: readonly RawMention[]) {
    const byRef = new Map<string, ResolvedMention>();
    const infos = new Map<string, PartyInfo>();
    if (raw.length > 0) {
      const refs = raw.map((mention) => mention.ref);
      const apps = await this.deps.apps.listTenantApps(tenantId);
      const users = [
        ...(await this.deps.users.usersByPublicIds(
          tenantId,
          'open_id',
          refs.filter((ref) => ref.startsWith('ou_')),
        )),
        ...(await this.deps.users.usersByIds(
          tenantId,
          refs.filter((ref) => UUID_SHAPE.test(ref)),
        )),
        ...(await this.deps.users.usersByPublicIds(tenantId, 'user_id', refs)),
      ];
      let index = 0;
      for (const ref of refs) {
        const user = users.find((u) => u.openId === ref || u.id === ref || u.userId === ref);
        const app = user ? undefined : apps.find((a) => a.botOpenId === ref || a.appId === ref);
        if (!user && !app) continue;
        const info: PartyInfo = user
          ? { type: 'user', ...actorProfileOf(user) }
          : {
              type: 'app',
              id: app!.appId,
              openId: app!.botOpenId,
              unionId: '',
              userId: '',
              name: app!.name,
              avatarColor: BOT_AVATAR_COLOR,
            };
        const existing = [...byRef.values()].find((m) => m.kind === info.type && m.id === info.id);
        byRef.set(ref, existing ?? { key: `@_user_${++index}`, kind: info.type, id: info.id, name: info.name });
        infos.set(partyKey(info.type, info.id), info);
      }
    }
    const list = [...new Map([...byRef.values()].map((m) => [m.key, m])).values()];
    return { byRef, list, infos };
  }

  /** The chat and the caller's membership (undefined when not a member); 404 when no such chat in the tenant. */
  async standing(ctx: Ctx, chatRef: string, party: Party = partyOf(ctx)) {
    const found = await repo.findChatAndMember(this.db, ctx.tenantId, chatRef, party);
    if (!found) throw imErrors.chatNotFound();
    return { chat: found.chat, member: found.member, party };
  }

  /** A message, its chat and the caller's membership, which must exist (404 / 403 otherwise). */
  async messageStanding(ctx: Ctx, messageRef: string) {
    const message = await repo.findMessage(this.db, ctx.tenantId, messageRef);
    if (!message) throw imErrors.messageNotFound();
    const standing = await this.standing(ctx, message.chat_id);
    assertMember(standing.chat, standing.member, 'message');
    return { ...standing, member: standing.member, message };
  }

  /** The apps whose bots are members of a chat (event payloads name them). */
  async appIdsOf(db: Queryable, chatId: string): Promise<string[]> {
    return (await repo.listMembers(db, chatId, { kind: 'app', limit: 1000 })).map((member) => member.member_id);
  }

  // Queries: chats --------------------------------------------------------------------------------

  /** A page of the caller's chats (pinned first, then recent activity), optionally by name. */
  async chatPage(ctx: Ctx, query: { cursor?: string; limit: number; q?: string }): Promise<{ rows: ChatRow[]; nextCursor: string | null }> {
    const party = partyOf(ctx);
    const rows = await repo.listChatsOf(this.db, ctx.tenantId, party, {
      after: decodeChatCursor(query.cursor),
      limit: query.limit + 1,
      q: query.q,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      rows: page,
      nextCursor:
        rows.length > query.limit && last
          ? encodeChatCursor({ pinned: last.member_pinned, activity: new Date(last.activity).toISOString(), id: last.id })
          : null,
    };
  }

  async listChats(
    ctx: Ctx,
    query: { cursor?: string; limit: number },
  ): Promise<{ items: ChatView[]; nextCursor: string | null; totalUnread: number }> {
    const party = partyOf(ctx);
    const { rows, nextCursor } = await this.chatPage(ctx, query);
    return {
      items: await this.chatViews(ctx, rows),
      nextCursor,
      totalUnread: party.kind === 'user' ? await repo.totalUnread(this.db, ctx.tenantId, party.id) : 0,
    };
  }

  async getChat(ctx: Ctx, chatRef: string): Promise<ChatView> {
    const { chat, member } = await this.standing(ctx, chatRef);
    assertMember(chat, member, 'chat');
    const [view] = await this.chatViews(ctx, [chat]);
    return view!;
  }

  /** The chat row for the open API's own presenters, with the caller's membership checked. */
  async chatForOpen(ctx: Ctx, chatRef: string): Promise<{ chat: ChatRow; memberCount: number; appCount: number; admins: string[] }> {
    const { chat, member } = await this.standing(ctx, chatRef);
    assertMember(chat, member, 'chat');
    const members = await repo.allMembers(this.db, chat.id);
    return {
      chat,
      memberCount: members.filter((m) => m.member_kind === 'user').length,
      appCount: members.filter((m) => m.member_kind === 'app').length,
      admins: members.filter((m) => m.role === 'admin' && m.member_kind === 'user').map((m) => m.member_id),
    };
  }

  async isMember(ctx: Ctx, chatRef: string): Promise<boolean> {
    const { chat, member } = await this.standing(ctx, chatRef);
    return Boolean(member) && !chat.dissolved;
  }

  private async chatViews(ctx: Ctx, rows: ChatRow[]): Promise<ChatView[]> {
    if (rows.length === 0) return [];
    const party = partyOf(ctx);
    const ids = rows.map((row) => row.id);
    const counts = await repo.memberCounts(this.db, ids);
    const members = new Map<string, MemberRow>();
    for (const row of rows) {
      const member = await repo.findMember(this.db, row.id, party);
      if (member) members.set(row.id, member);
    }
    const p2p = rows.filter((row) => row.chat_type === 'p2p').map((row) => row.id);
    const peers = await repo.otherUserMembers(this.db, p2p, party.kind === 'user' ? party.id : '');
    const lastRows = await repo.lastMessages(this.db, ids);
    const lastViews = new Map((await this.messageViews(ctx, lastRows)).map((view) => [view.chatId, view]));
    const mentionCounts = party.kind === 'user' ? await repo.unreadMentionCounts(this.db, party.id, ids) : new Map<string, number>();
    const notCounted = await repo.unreadNotCountedCounts(this.db, party, ids);
    const threadCounts = party.kind === 'user' ? await repo.threadUnreadCounts(this.db, party.id, ids) : new Map();
    const peerParties = await this.parties(
      ctx.tenantId,
      peers
        .filter((peer) => !(peer.member_kind === party.kind && peer.member_id === party.id))
        .map((peer) => ({ kind: peer.member_kind, id: peer.member_id })),
    );
    return rows.map((row) => {
      const peer = peers.find(
        (candidate) => candidate.chat_id === row.id && !(candidate.member_kind === party.kind && candidate.member_id === party.id),
      );
      return presentChat(row, {
        member: members.get(row.id),
        memberCount: counts.get(row.id) ?? 0,
        peer: peer ? peerParties.get(partyKey(peer.member_kind, peer.member_id)) : undefined,
        lastMessage: lastViews.get(row.id) ?? null,
        unreadMentionCount: (mentionCounts.get(row.id) ?? 0) + (threadCounts.get(row.id)?.mentions ?? 0),
        unreadNotCounted: notCounted.get(row.id) ?? 0,
        unreadThreadReplies: threadCounts.get(row.id)?.replies ?? 0,
      });
    });
  }

  async listMembers(
    ctx: Ctx,
    chatRef: string,
    query: { cursor?: string; limit: number },
  ): Promise<{ items: Array<{ user: UserRef; role: MemberRow['role'] }>; nextCursor: string | null; total: number }> {
    const page = await this.memberPage(ctx, chatRef, { afterId: query.cursor, limit: query.limit });
    return {
      items: page.items.map(({ row, party }) => ({ user: presentUserRef(party), role: row.role })),
      nextCursor: page.nextAfterId,
      total: page.total,
    };
  }

  /** Members with every id, for the open API (people only, as Feishu lists them). */
  async memberParties(ctx: Ctx, chatRef: string, query: { afterId?: string; limit: number }) {
    const page = await this.memberPage(ctx, chatRef, query);
    return { items: page.items.map(({ party }) => party), nextAfterId: page.nextAfterId, total: page.total };
  }

  /** A page of a chat's people (keyset by user id) with their directory entries; members only. */
  private async memberPage(ctx: Ctx, chatRef: string, query: { afterId?: string; limit: number }) {
    const { chat, member } = await this.standing(ctx, chatRef);
    assertMember(chat, member, 'chat');
    const rows = await repo.listMembers(this.db, chat.id, { kind: 'user', afterId: query.afterId, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const parties = await this.parties(
      ctx.tenantId,
      page.map((row) => ({ kind: 'user' as const, id: row.member_id })),
    );
    return {
      items: page.flatMap((row) => {
        const party = parties.get(partyKey('user', row.member_id));
        return party ? [{ row, party }] : [];
      }),
      nextAfterId: rows.length > query.limit ? (page[page.length - 1]?.member_id ?? null) : null,
      total: (await repo.memberCounts(this.db, [chat.id])).get(chat.id) ?? 0,
    };
  }

  /** Chat ids a user follows on the realtime gateway. */
  async chatIdsOfUser(tenantId: string, userId: string): Promise<string[]> {
    return repo.chatIdsOfUser(this.db, tenantId, userId);
  }

  // Queries: messages -----------------------------------------------------------------------------

  async listMessages(
    ctx: Ctx,
    chatRef: string,
    query: { before?: number; after?: number; threadRootId?: string; around?: number; aroundMessageId?: string; limit: number },
  ): Promise<{ items: MessageView[]; hasMore: boolean; hasNewer?: boolean; threadRootId?: string }> {
    assertScope(ctx, 'im:message');
    const { chat, member } = await this.standing(ctx, chatRef);
    assertMember(chat, member, 'message');
    let rootId: string | undefined;
    if (query.threadRootId) {
      const root = await repo.findMessage(this.db, ctx.tenantId, query.threadRootId);
      if (!root || root.chat_id !== chat.id) throw imErrors.messageNotFound();
      rootId = root.id;
    }
    if (query.around !== undefined || query.aroundMessageId !== undefined) {
      return rootId ? this.threadAround(ctx, chat, rootId, query) : this.messagesAround(ctx, chat, query);
    }
    const viewer = partyOf(ctx);
    const rows = await repo.listMessages(this.db, chat.id, viewer, {
      before: query.before,
      after: query.after,
      rootId,
      limit: query.limit + 1,
    });
    const forwards = query.after !== undefined && query.before === undefined;
    const hasMore = rows.length > query.limit;
    const page = hasMore ? (forwards ? rows.slice(0, query.limit) : rows.slice(1)) : rows;
    if (rootId) return { items: await this.pageViews(ctx, page), hasMore };
    // A page reaches from its first message up to where the next newer page starts.
    const range: SeqRange = forwards
      ? { from: page[0] ? Number(page[0].seq) : query.after! + 1, to: hasMore ? Number(rows[query.limit]!.seq) : null }
      : { from: hasMore && page[0] ? Number(page[0].seq) : null, to: query.before ?? null };
    return { items: await this.withEphemeralCards(ctx, chat, page, range), hasMore };
  }

  /**
   * A history page as its reader sees it: with the cards only they see (ephemeral-cards.ts) whose
   * place — after the chat's seq when they came — falls in the page's `range`, each after that message.
   * The page's messages and the cards are presented together (one directory lookup).
   */
  private async withEphemeralCards(ctx: Ctx, chat: ChatRow, page: ViewedMessageRow[], range: SeqRange): Promise<MessageView[]> {
    const viewer = partyOf(ctx);
    if (viewer.kind !== 'user' || chat.chat_type !== 'group') return this.pageViews(ctx, page);
    const rows = await ephemeralRepository.forViewer(this.db, chat.id, viewer.id, range);
    if (rows.length === 0) return this.pageViews(ctx, page);
    // A card is no message of the chat: nothing replies to, reacts to or has a view of it.
    const cardRows = rows.map((row) => ({
      ...asMessageRow(row),
      reply_count: 0,
      reactions: [],
      unread_readers: 0,
      unread_replies: 0,
      own_card: null,
    }));
    const views = await this.pageViews(ctx, [...page, ...cardRows]);
    const items = views.slice(0, page.length);
    const cards = views.slice(page.length).map(ephemeralView);
    // Stable: each card after the message of its seq, cards of one seq in the order they came.
    return [...items, ...cards].sort((a, b) => a.seq - b.seq || Number(Boolean(a.ephemeral)) - Number(Boolean(b.ephemeral)));
  }

  /**
   * The page of a thread around one of its messages (a reply opened from a link deep in a long
   * thread): `hasMore` says older replies exist, `hasNewer` newer ones; page on with `before` /
   * `after` and `threadRootId`. A message outside the thread is not found.
   */
  private async threadAround(
    ctx: Ctx,
    chat: ChatRow,
    rootId: string,
    query: { around?: number; aroundMessageId?: string; before?: number; after?: number; limit: number },
  ): Promise<{ items: MessageView[]; hasMore: boolean; hasNewer: boolean; threadRootId: string }> {
    if (query.before !== undefined || query.after !== undefined) throw errors.validation('around cannot be combined with before or after');
    let seq = query.around ?? 0;
    if (query.aroundMessageId !== undefined) {
      const target = await repo.findMessage(this.db, ctx.tenantId, query.aroundMessageId);
      const inThread = target && (target.id === rootId || (target.in_thread && target.root_id === rootId));
      if (!target || target.chat_id !== chat.id || !inThread) throw imErrors.messageNotFound();
      seq = Number(target.seq);
    }
    const olderCount = Math.floor(query.limit / 2);
    const newerCount = query.limit - olderCount;
    const older = await repo.listMessages(this.db, chat.id, partyOf(ctx), { before: seq, rootId, limit: olderCount + 1 });
    const newer = await repo.listMessages(this.db, chat.id, partyOf(ctx), { after: seq - 1, rootId, limit: newerCount + 1 });
    const page = [...older.slice(older.length > olderCount ? 1 : 0), ...newer.slice(0, newerCount)];
    return {
      items: await this.pageViews(ctx, page),
      hasMore: older.length > olderCount,
      hasNewer: newer.length > newerCount,
      threadRootId: rootId,
    };
  }

  /**
   * The page a jump to one message shows (a copied link, the first unread): the message with the
   * ones before and after it. `hasMore` says older messages exist, `hasNewer` newer ones. A thread
   * reply is not in the timeline: the page is the one around its root, and `threadRootId` tells the
   * reader to open that thread to see it.
   */
  private async messagesAround(
    ctx: Ctx,
    chat: ChatRow,
    query: { around?: number; aroundMessageId?: string; before?: number; after?: number; threadRootId?: string; limit: number },
  ): Promise<{ items: MessageView[]; hasMore: boolean; hasNewer: boolean; threadRootId?: string }> {
    if (query.before !== undefined || query.after !== undefined || query.threadRootId !== undefined) {
      throw errors.validation('around cannot be combined with before, after or threadRootId');
    }
    let seq = query.around ?? 0;
    let threadRootId: string | undefined;
    if (query.aroundMessageId !== undefined) {
      const target = await repo.findMessage(this.db, ctx.tenantId, query.aroundMessageId);
      if (!target || target.chat_id !== chat.id) throw imErrors.messageNotFound();
      const root = target.in_thread && target.root_id ? await repo.findMessage(this.db, ctx.tenantId, target.root_id) : undefined;
      seq = Number((root ?? target).seq);
      threadRootId = root?.id;
    }
    const olderCount = Math.floor(query.limit / 2);
    const newerCount = query.limit - olderCount;
    const older = await repo.listMessages(this.db, chat.id, partyOf(ctx), { before: seq, limit: olderCount + 1 });
    const newer = await repo.listMessages(this.db, chat.id, partyOf(ctx), { after: seq - 1, limit: newerCount + 1 });
    const page = [...older.slice(older.length > olderCount ? 1 : 0), ...newer.slice(0, newerCount)];
    const hasMore = older.length > olderCount;
    const hasNewer = newer.length > newerCount;
    const range: SeqRange = {
      from: hasMore && page[0] ? Number(page[0].seq) : null,
      to: hasNewer ? Number(newer[newerCount]!.seq) : null,
    };
    const items = await this.withEphemeralCards(ctx, chat, page, range);
    return { items, hasMore, hasNewer, ...(threadRootId ? { threadRootId } : {}) };
  }

  async getMessage(ctx: Ctx, messageRef: string): Promise<MessageView> {
    assertScope(ctx, 'im:message');
    const { message } = await this.messageStanding(ctx, messageRef);
    const [view] = await this.messageViews(ctx, [message]);
    return view!;
  }

  async search(ctx: Ctx, query: SearchQuery): Promise<MessageSearchAnswer> {
    return this.messageSearch.search(ctx, query);
  }

  /** Who has and has not read a message (its sender excluded); only the sender may ask. */
  async readUsers(ctx: Ctx, messageRef: string): Promise<{ read: PartyInfo[]; unread: PartyInfo[]; readAt: Map<string, Date> }> {
    assertScope(ctx, 'im:message');
    const { message, party } = await this.messageStanding(ctx, messageRef);
    if (message.sender_kind !== party.kind || message.sender_id !== party.id) {
      throw imErrors.forbidden('message', 'Only the sender sees who has read a message');
    }
    const members = (await repo.allMembers(this.db, message.chat_id)).filter(
      (member) => member.member_kind === 'user' && !(member.member_kind === message.sender_kind && member.member_id === message.sender_id),
    );
    const parties = await this.parties(
      ctx.tenantId,
      members.map((member) => ({ kind: 'user' as const, id: member.member_id })),
    );
    const read: PartyInfo[] = [];
    const unread: PartyInfo[] = [];
    const readAt = new Map<string, Date>();
    for (const member of members) {
      const info = parties.get(partyKey('user', member.member_id));
      if (!info) continue;
      if (Number(member.last_read_seq) >= Number(message.seq)) {
        read.push(info);
        if (member.last_read_at) readAt.set(info.id, member.last_read_at);
      } else unread.push(info);
    }
    return { read, unread, readAt };
  }

  /** Internal API: read receipts as UserRefs. */
  async readReceipts(ctx: Ctx, messageRef: string): Promise<{ read: UserRef[]; unread: UserRef[] }> {
    const { read, unread } = await this.readUsers(ctx, messageRef);
    return { read: read.map(presentUserRef), unread: unread.map(presentUserRef) };
  }

  /** Messages as MessageViews for the caller: reactions (reactedByMe), reply and unread counts. */
  async messageViews(ctx: Ctx, stored: MessageRow[]): Promise<MessageView[]> {
    if (stored.length === 0) return [];
    const viewer = partyOf(ctx);
    const rows = await withOwnCardViews(this.db, viewer, stored);
    const bases = await this.messageEventViews(ctx.tenantId, rows);
    const reactions = await repo.reactionsOf(
      this.db,
      rows.map((row) => row.id),
    );
    const histograms = new Map<string, Array<{ seq: number; count: number }>>();
    for (const chatId of new Set(rows.map((row) => row.chat_id))) histograms.set(chatId, await repo.readHistogram(this.db, chatId));
    // "N new replies" under the roots of threads: one statement, only for a page with thread roots.
    const roots = rows.filter((row) => row.thread_id !== null && !row.in_thread).map((row) => row.id);
    const unreadReplies = viewer.kind === 'user' ? await repo.unreadRepliesOfRoots(this.db, viewer.id, roots) : new Map<string, number>();
    return rows.map((row, index) => {
      const histogram = histograms.get(row.chat_id) ?? [];
      const seq = Number(row.seq);
      // The sender read their own message when sending it, so everyone counted here is someone else.
      // A system message has no sender and no receipts.
      const unread =
        row.recalled || row.sender_kind === 'system'
          ? null
          : histogram.reduce((sum, entry) => (entry.seq < seq ? sum + entry.count : sum), 0);
      return presentMessage(
        bases[index]!,
        presentReactions(
          reactions.filter((reaction) => reaction.message_id === row.id),
          viewer,
        ),
        unread,
        unreadReplies.get(row.id) ?? 0,
      );
    });
  }

  /**
   * A history page's rows as their viewer sees them: what `messageViews` reads in four statements
   * came with the rows (`ViewerColumns`), so only the directory is read here.
   */
  private async pageViews(ctx: Ctx, page: ViewedMessageRow[]): Promise<MessageView[]> {
    if (page.length === 0) return [];
    const viewer = partyOf(ctx);
    const rows = page.map((row) => (row.own_card === null ? row : { ...row, content: row.own_card }));
    const parties = await this.referencedParties(ctx.tenantId, rows);
    return rows.map((row) => {
      const reactions = row.reactions.map(([emoji_type, reactor_kind, reactor_id]) => ({ emoji_type, reactor_kind, reactor_id }));
      // As in `messageViews`: recalled and system messages have no receipts.
      const unread = row.recalled || row.sender_kind === 'system' ? null : row.unread_readers;
      return presentMessage(
        presentMessageEvent(row, parties.get(partyKey(row.sender_kind, row.sender_id)), parties, row.reply_count),
        presentReactions(reactions, viewer),
        unread,
        row.unread_replies,
      );
    });
  }

  /** Whom messages name: senders, mentions, and the people and bots of system messages. */
  private referencedParties(tenantId: string, rows: readonly MessageRow[]): Promise<Map<string, PartyInfo>> {
    return this.parties(tenantId, [
      ...rows.flatMap((row) =>
        row.sender_kind === 'system' ? systemPartiesOf(row.content) : [{ kind: row.sender_kind, id: row.sender_id }],
      ),
      ...rows.flatMap((row) => row.mentions.map((mention) => ({ kind: mention.kind, id: mention.id }))),
    ]);
  }

  /** Messages as every viewer sees them, with sender and mention names and reply counts. */
  async messageEventViews(tenantId: string, rows: MessageRow[]): Promise<MessageEventView[]> {
    const parties = await this.referencedParties(tenantId, rows);
    const replies = await repo.replyCounts(
      this.db,
      rows.map((row) => row.id),
    );
    return rows.map((row) =>
      presentMessageEvent(row, parties.get(partyKey(row.sender_kind, row.sender_id)), parties, replies.get(row.id) ?? 0),
    );
  }

  /** Messages with every id of their sender and mentions: what the open API presents. */
  async messageRecords(ctx: Ctx, stored: MessageRow[]): Promise<MessageRecord[]> {
    if (stored.length === 0) return [];
    // A user token reads the person's own card views; the app (tenant token) the card everyone else sees.
    const rows = await withOwnCardViews(this.db, partyOf(ctx), stored);
    const bases = await this.messageEventViews(ctx.tenantId, rows);
    const parties = await this.referencedParties(ctx.tenantId, rows);
    const related = await repo.findMessagesByIds(this.db, [
      ...new Set(rows.flatMap((row) => [row.parent_id, row.root_id].filter((id): id is string => Boolean(id)))),
    ]);
    const publicIds = new Map(related.map((row) => [row.id, row.message_id]));
    const chats = new Map<string, ChatRow>();
    for (const chatId of new Set(rows.map((row) => row.chat_id))) {
      const chat = await repo.findChat(this.db, ctx.tenantId, chatId);
      if (chat) chats.set(chatId, chat);
    }
    return rows.map((row, index) => {
      const chat = chats.get(row.chat_id)!;
      const sender = parties.get(partyKey(row.sender_kind, row.sender_id));
      return {
        message: bases[index]!,
        chat: { chatId: chat.chat_id, chatType: chat.chat_type },
        sender: sender ? presentParty(sender) : null,
        mentions: row.mentions.flatMap((mention) => {
          const info = parties.get(partyKey(mention.kind, mention.id));
          return info ? [{ ...presentParty(info), key: mention.key }] : [];
        }),
        parentMessageId: row.parent_id ? (publicIds.get(row.parent_id) ?? null) : null,
        rootMessageId: row.root_id ? (publicIds.get(row.root_id) ?? null) : null,
      };
    });
  }

  /** Open API: one message, its chat membership checked. */
  async messageRecord(ctx: Ctx, messageRef: string): Promise<MessageRecord> {
    assertScope(ctx, 'im:message');
    const { message } = await this.messageStanding(ctx, messageRef);
    const [record] = await this.messageRecords(ctx, [message]);
    return record!;
  }

  /** A chat's timeline the caller may read. */
  private async chatContainer(ctx: Ctx, chatRef: string): Promise<MessageContainer> {
    const { chat, member } = await this.standing(ctx, chatRef);
    assertMember(chat, member, 'message');
    return { chatId: chat.id };
  }

  /** A thread the caller may read: its chat and root. */
  private async threadContainer(ctx: Ctx, threadId: string): Promise<MessageContainer> {
    const root = await this.threadRoot(ctx, threadId);
    return { chatId: root.chat_id, rootId: root.id };
  }

  /** Open API: a chat's timeline (`threadId`: a thread's messages) by creation time, keyset on seq. */
  async messagesByTime(
    ctx: Ctx,
    chatRef: string,
    query: { start?: Date; end?: Date; descending: boolean; afterSeq?: number; limit: number; threadId?: string },
  ): Promise<{ records: MessageRecord[]; nextSeq: number | null }> {
    assertScope(ctx, 'im:message');
    const { chatId, rootId } = query.threadId ? await this.threadContainer(ctx, query.threadId) : await this.chatContainer(ctx, chatRef);
    const rows = await repo.listByTime(this.db, chatId, { ...query, rootId, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    return {
      records: await this.messageRecords(ctx, page),
      nextSeq: rows.length > query.limit ? Number(page[page.length - 1]!.seq) : null,
    };
  }

  /**
   * Internal API: who reacted to a message with `emojiType`, first reactors first, as people and
   * bots the web can open cards of. Anyone who can read the message's chat may ask.
   */
  /** Who reacted with one emoji (the web's list under a reaction chip), with how many did. */
  async reactors(ctx: Ctx, messageRef: string, query: ReactorsQuery): Promise<ReactorsPage> {
    const { message, rows, parties, nextCursor } = await this.reactionPage(ctx, messageRef, query);
    const count = !nextCursor && !query.cursor ? rows.length : await repo.reactionCount(this.db, message.id, query.emojiType);
    return {
      emojiType: query.emojiType,
      count,
      items: rows
        .filter((row) => parties.has(partyKey(row.reactor_kind, row.reactor_id)))
        .map((row) => ({
          reactor: presentPartyRef({ kind: row.reactor_kind, id: row.reactor_id }, parties),
          reactedAt: new Date(row.created_at).toISOString(),
        })),
      nextCursor,
    };
  }

  /**
   * A page of a message's reactions (one emoji's, or all), in the order they were made, with who
   * made them; `cursor` is the page before's `nextCursor` (the web's reactor list, im v1's
   * `page_token`). A cursor that is not one is `validation_failed`.
   */
  async reactionPage(ctx: Ctx, messageRef: string, query: { emojiType?: string; cursor?: string; limit: number }) {
    assertScope(ctx, 'im:message');
    const { message } = await this.messageStanding(ctx, messageRef);
    const after = decodeReactionCursor(query.cursor);
    const found = await repo.reactionsPage(this.db, message.id, { emojiType: query.emojiType, after, limit: query.limit + 1 });
    const rows = found.slice(0, query.limit);
    const parties = await this.parties(
      ctx.tenantId,
      rows.map((row) => ({ kind: row.reactor_kind, id: row.reactor_id })),
    );
    const last = rows[rows.length - 1];
    const nextCursor = found.length > query.limit && last ? encodeReactionCursor(new Date(last.created_at), last.id) : null;
    return { message, rows, parties, nextCursor };
  }

  // Commands: chats -------------------------------------------------------------------------------

  async createChat(ctx: Ctx, input: CreateChatInput): Promise<ChatView> {
    const id =
      input.chatType === 'p2p'
        ? await this.openP2p(ctx, { kind: 'user', id: input.userId })
        : await this.createGroup(ctx, {
            name: input.name,
            description: input.description,
            userIds: input.userIds,
            departmentIds: input.departmentIds,
            ...(input.messageForm ? { settings: { messageForm: input.messageForm } } : {}),
          });
    return this.getChat(ctx, id);
  }

  /**
   * The one p2p chat between the caller and `other`, created on first use. Idempotent: a second call
   * (also a concurrent one: the unique p2p key decides) returns the same chat.
   */
  async openP2p(ctx: Ctx, other: Party): Promise<string> {
    const self = partyOf(ctx);
    if (self.kind === other.kind && self.id === other.id) throw errors.validation('You cannot open a chat with yourself');
    if (other.kind === 'user') await this.requireActiveUsers(ctx.tenantId, [other.id]);
    const key = [partyKey(self.kind, self.id), partyKey(other.kind, other.id)].sort().join('|');
    const existing = await repo.findP2p(this.db, ctx.tenantId, key);
    if (existing) return existing.id;
    const operator = await this.party(ctx.tenantId, self);
    try {
      return await this.run(ctx, async ({ trx, emit }) => {
        const now = this.deps.clock.now();
        const chat = newChatRow(ctx.tenantId, now, { chat_type: 'p2p', p2p_key: key });
        await repo.insertChat(trx, { ...chat, settings: JSON.stringify(chat.settings) });
        const members = [self, other];
        await repo.insertMembers(
          trx,
          members.map((party) => ({
            tenant_id: ctx.tenantId,
            chat_id: chat.id,
            member_kind: party.kind,
            member_id: party.id,
            role: 'member',
          })),
        );
        await this.emitChat(emit, imEvents.chatCreated, chat, members, operator, {
          memberUserIds: members.filter((party) => party.kind === 'user').map((party) => party.id),
        });
        return chat.id;
      });
    } catch (error) {
      // Someone opened the same chat a moment ago: theirs is the chat.
      if (uniqueViolation(error) === 'im_chat_p2p') {
        const raced = await repo.findP2p(this.db, ctx.tenantId, key);
        if (raced) return raced.id;
      }
      throw error;
    }
  }

  async createGroup(ctx: Ctx, input: GroupInput): Promise<string> {
    assertScope(ctx, 'im:chat');
    const self = partyOf(ctx);
    const departmentUsers = input.departmentIds?.length
      ? await this.deps.users.activeMemberIdsOfDepartments(ctx.tenantId, input.departmentIds)
      : [];
    const userIds = [...new Set([...(input.userIds ?? []), ...(input.ownerUserId ? [input.ownerUserId] : [])])];
    await this.requireActiveUsers(ctx.tenantId, userIds);
    const appIds = [...new Set(input.appIds ?? [])];
    await this.requireApps(ctx.tenantId, appIds);
    const owner: Party = input.ownerUserId ? { kind: 'user', id: input.ownerUserId } : self;
    const members = new Map<string, Party>();
    for (const party of [
      self,
      owner,
      ...[...userIds, ...departmentUsers].map((id) => ({ kind: 'user' as const, id })),
      ...appIds.map((id) => ({ kind: 'app' as const, id })),
    ]) {
      members.set(partyKey(party.kind, party.id), party);
    }
    const operator = await this.party(ctx.tenantId, self);
    const infos = await this.parties(ctx.tenantId, [...members.values()]);
    return this.run(ctx, async ({ trx, emit }) => {
      const now = this.deps.clock.now();
      const chat = newChatRow(ctx.tenantId, now, {
        chat_type: 'group',
        name: input.name,
        description: input.description ?? '',
        owner_kind: owner.kind,
        owner_id: owner.id,
        settings: { ...DEFAULT_SETTINGS, ...input.settings },
        department_id: input.followDepartmentId ?? null,
      });
      if (input.followDepartmentId && (await repo.findDepartmentChat(trx, ctx.tenantId, input.followDepartmentId))) {
        throw imErrors.departmentChatExists();
      }
      await repo.insertChat(trx, { ...chat, settings: JSON.stringify(chat.settings) });
      await repo.insertMembers(
        trx,
        [...members.values()].map((party) => ({
          tenant_id: ctx.tenantId,
          chat_id: chat.id,
          member_kind: party.kind,
          member_id: party.id,
          role: party.kind === owner.kind && party.id === owner.id ? ('owner' as const) : ('member' as const),
        })),
      );
      await this.emitChat(emit, imEvents.chatCreated, chat, [...members.values()], operator, {
        memberUserIds: [...members.values()].filter((party) => party.kind === 'user').map((party) => party.id),
      });
      const invited = [...members.values()].filter((party) => !(party.kind === self.kind && party.id === self.id));
      await this.systemMessage(trx, emit, chat, systemContent('chat_created', { operator: self, targets: invited }), infos, appIds);
      return chat.id;
    });
  }

  private async emitChat(
    emit: Emit,
    type: string,
    chat: ChatRow,
    members: readonly Party[] | null,
    operator: PartyInfo | null,
    extra: Partial<ChatEventPayload>,
    trx?: Queryable,
  ): Promise<void> {
    const appIds = members
      ? members.filter((party) => party.kind === 'app').map((party) => party.id)
      : await this.appIdsOf(trx ?? this.db, chat.id);
    const memberCount = members
      ? members.filter((party) => party.kind === 'user').length
      : ((await repo.memberCounts(trx ?? this.db, [chat.id])).get(chat.id) ?? 0);
    const payload: ChatEventPayload = {
      chatId: chat.id,
      chat: presentChatRef(chat, appIds),
      view: presentChatEvent(chat, memberCount),
      operator: operator ? presentParty(operator) : null,
      ...extra,
    };
    await emit({ type, subjectType: 'chat', subjectId: chat.id, payload });
  }

  /**
   * The frame every group command shares, so each command states only its own checks: the caller
   * is a member of a live group (not a p2p chat), `authorize` passes, then the caller and everyone
   * in `names` are looked up — before the transaction, as every directory lookup — and `body` runs
   * on the chat row locked, which must still be live.
   */
  private async groupCommand<T>(
    ctx: Ctx,
    chatRef: string,
    rule: GroupCommandRule,
    body: (command: GroupCommandScope) => Promise<T>,
  ): Promise<T> {
    if (rule.scope) assertScope(ctx, rule.scope);
    const { chat, member, party } = await this.standing(ctx, chatRef);
    assertMember(chat, member, 'chat');
    if (chat.chat_type === 'p2p') throw imErrors.notInP2p();
    await rule.authorize({ member, rights: chatPermissions(chat, member) });
    const infos = await this.parties(ctx.tenantId, [party, ...(rule.names ?? [])]);
    const operator = infos.get(partyKey(party.kind, party.id)) ?? (await this.party(ctx.tenantId, party));
    return this.run(ctx, async ({ trx, emit }) => {
      const locked = await repo.lockChat(trx, ctx.tenantId, chat.id);
      if (!locked || locked.dissolved) throw imErrors.chatDissolved();
      return body({ trx, emit, chat: locked, member, party, operator, infos });
    });
  }

  async updateChat(ctx: Ctx, chatRef: string, changes: ChatChanges): Promise<ChatView> {
    const manage: GroupCommandRule = {
      scope: 'im:chat',
      authorize: ({ rights }) => {
        if (!rights.manage) throw imErrors.forbidden('chat', 'Only the owner and admins can change the chat');
      },
    };
    await this.groupCommand(ctx, chatRef, manage, async ({ trx, emit, chat: current, operator }) => {
      const before = presentChatEvent(current, 0);
      const patch: Parameters<typeof repo.updateChat>[3] = {};
      const changed: string[] = [];
      if (changes.name !== undefined && changes.name !== current.name) {
        patch.name = changes.name;
        changed.push('name');
      }
      if (changes.description !== undefined && changes.description !== current.description) {
        patch.description = changes.description;
        changed.push('description');
      }
      if (changes.announcementRevision !== undefined && changes.announcementRevision !== Number(current.announcement_revision)) {
        throw imErrors.staleAnnouncement();
      }
      if (changes.announcement !== undefined && changes.announcement !== current.announcement) {
        patch.announcement = changes.announcement;
        patch.announcement_revision = Number(current.announcement_revision) + 1;
        patch.announcement_updated_at = this.deps.clock.now();
        changed.push('announcement');
      }
      if (changes.settings) {
        const next = { ...settingsOf(current), ...changes.settings };
        if (JSON.stringify(next) !== JSON.stringify(settingsOf(current))) {
          patch.settings = JSON.stringify(next);
          changed.push('settings');
        }
      }
      if (changed.length === 0) return;
      await repo.updateChat(trx, ctx.tenantId, current.id, patch);
      const after = (await repo.findChat(trx, ctx.tenantId, current.id))!;
      await this.emitChat(
        emit,
        imEvents.chatUpdated,
        after,
        null,
        operator,
        {
          changed,
          before: Object.fromEntries(changed.map((field) => [field, before[field as keyof typeof before]])),
        },
        trx,
      );
      await this.chatChangeLines(trx, emit, after, changed, operator, settingsOf(current));
    });
    return this.getChat(ctx, chatRef);
  }

  async dissolve(ctx: Ctx, chatRef: string): Promise<void> {
    const owner: GroupCommandRule = {
      scope: 'im:chat',
      authorize: ({ rights }) => {
        if (!rights.dissolve) throw imErrors.forbidden('chat', 'Only the owner can dissolve the chat');
      },
    };
    // No system line: the chat leaves every member's list and its history closes (as Feishu's).
    await this.groupCommand(ctx, chatRef, owner, async ({ trx, emit, chat, operator }) => {
      await repo.updateChat(trx, ctx.tenantId, chat.id, { dissolved: true });
      const after = (await repo.findChat(trx, ctx.tenantId, chat.id))!;
      const members = await repo.allMembers(trx, chat.id);
      await this.emitChat(
        emit,
        imEvents.chatDisbanded,
        after,
        members.map((m) => ({ kind: m.member_kind, id: m.member_id })),
        operator,
        { memberUserIds: members.filter((m) => m.member_kind === 'user').map((m) => m.member_id) },
      );
    });
  }

  async transferOwner(ctx: Ctx, chatRef: string, userId: string): Promise<ChatView> {
    const owner: GroupCommandRule = {
      scope: 'im:chat',
      authorize: ({ member }) => {
        if (member.role !== 'owner') throw imErrors.forbidden('chat', 'Only the owner can transfer the chat');
      },
      names: [{ kind: 'user', id: userId }],
    };
    await this.groupCommand(ctx, chatRef, owner, async ({ trx, emit, chat, party, operator, infos }) => {
      const [target] = await repo.findMembers(trx, chat.id, 'user', [userId]);
      if (!target) throw imErrors.notMember('chat');
      if (target.role === 'owner') return;
      await repo.updateMembers(trx, chat.id, party.kind, [party.id], { role: 'member' });
      await repo.updateMembers(trx, chat.id, 'user', [userId], { role: 'owner' });
      await repo.updateChat(trx, ctx.tenantId, chat.id, { owner_kind: 'user', owner_id: userId });
      const after = (await repo.findChat(trx, ctx.tenantId, chat.id))!;
      await this.emitChat(
        emit,
        imEvents.chatUpdated,
        after,
        null,
        operator,
        { changed: ['ownerId'], before: { ownerId: chat.owner_id } },
        trx,
      );
      const content = systemContent('owner_transferred', { operator: party, targets: [{ kind: 'user', id: userId }] });
      await this.systemMessage(trx, emit, after, content, infos);
    });
    return this.getChat(ctx, chatRef);
  }

  /** Owner only: make members admins, or admins members again. */
  async setAdmins(ctx: Ctx, chatRef: string, userIds: readonly string[], admin: boolean): Promise<ChatView> {
    const owner: GroupCommandRule = {
      scope: 'im:chat',
      authorize: ({ member }) => {
        if (member.role !== 'owner') throw imErrors.forbidden('chat', 'Only the owner can appoint admins');
      },
      names: userIds.map((id) => ({ kind: 'user' as const, id })),
    };
    await this.groupCommand(ctx, chatRef, owner, async ({ trx, emit, chat, party, operator, infos }) => {
      const targets = await repo.findMembers(trx, chat.id, 'user', [...new Set(userIds)]);
      if (targets.length !== new Set(userIds).size) throw imErrors.notMember('chat');
      const changing = targets.filter((target) => target.role !== 'owner' && (target.role === 'admin') !== admin);
      if (changing.length === 0) return;
      await repo.updateMembers(
        trx,
        chat.id,
        'user',
        changing.map((target) => target.member_id),
        { role: admin ? 'admin' : 'member' },
      );
      const after = (await repo.findChat(trx, ctx.tenantId, chat.id))!;
      await this.emitChat(emit, imEvents.chatUpdated, after, null, operator, { changed: ['admins'] }, trx);
      const appointed = changing.map((target) => ({ kind: 'user' as const, id: target.member_id }));
      const content = systemContent(admin ? 'admins_added' : 'admins_removed', { operator: party, targets: appointed });
      await this.systemMessage(trx, emit, after, content, infos);
    });
    return this.getChat(ctx, chatRef);
  }

  /**
   * Adds people and bots. Returns who was added (already-members are skipped silently, as Feishu
   * does). Unknown ids are the caller's to filter out first (open API: `invalid_id_list`).
   */
  async addMembers(ctx: Ctx, chatRef: string, parties: readonly Party[]): Promise<Party[]> {
    const mayAdd: GroupCommandRule = {
      scope: 'im:chat',
      authorize: async ({ rights }) => {
        if (!rights.addMembers) throw imErrors.forbidden('chat', 'Only the owner and admins can add members here');
        await this.requireActiveUsers(
          ctx.tenantId,
          parties.filter((p) => p.kind === 'user').map((p) => p.id),
        );
        await this.requireApps(
          ctx.tenantId,
          parties.filter((p) => p.kind === 'app').map((p) => p.id),
        );
      },
      names: parties,
    };
    return this.groupCommand(ctx, chatRef, mayAdd, async ({ trx, emit, chat, party, operator, infos }) => {
      // New members start reading at the newest message: what was said before is history, not unread.
      const added = await repo.insertMembers(
        trx,
        parties.map((p) => ({
          tenant_id: ctx.tenantId,
          chat_id: chat.id,
          member_kind: p.kind,
          member_id: p.id,
          role: 'member' as const,
          last_read_seq: Number(chat.last_seq),
        })),
      );
      if (added.length > 0) {
        await this.emitMembers(trx, emit, imEvents.membersAdded, chat, added, infos, operator);
        await this.systemMessage(trx, emit, chat, membershipContent('added', party, added), infos);
      }
      return added;
    });
  }

  async removeMembers(ctx: Ctx, chatRef: string, parties: readonly Party[]): Promise<Party[]> {
    const manage: GroupCommandRule = {
      scope: 'im:chat',
      authorize: ({ rights }) => {
        if (!rights.manage) throw imErrors.forbidden('chat', 'Only the owner and admins can remove members');
      },
      names: parties,
    };
    return this.groupCommand(ctx, chatRef, manage, async ({ trx, emit, chat, member, party, operator, infos }) => {
      const removed: Party[] = [];
      for (const kind of ['user', 'app'] as const) {
        const targets = await repo.findMembers(
          trx,
          chat.id,
          kind,
          parties.filter((p) => p.kind === kind).map((p) => p.id),
        );
        for (const target of targets) {
          if (target.role === 'owner') throw imErrors.forbidden('chat', 'The owner cannot be removed; transfer the chat first');
          if (target.role === 'admin' && member.role !== 'owner') throw imErrors.forbidden('chat', 'Only the owner can remove admins');
        }
        const ids = await repo.deleteMembers(
          trx,
          chat.id,
          kind,
          targets.map((t) => t.member_id),
        );
        removed.push(...ids.map((id) => ({ kind, id })));
      }
      if (removed.length > 0) {
        await this.emitMembers(trx, emit, imEvents.membersRemoved, chat, removed, infos, operator);
        await this.dropEphemeralCards(trx, emit, chat.id, removed);
        await this.systemMessage(trx, emit, chat, membershipContent('removed', party, removed), infos);
      }
      return removed;
    });
  }

  async leave(ctx: Ctx, chatRef: string): Promise<void> {
    const notOwner: GroupCommandRule = {
      authorize: ({ member }) => {
        if (member.role === 'owner') throw imErrors.ownerMustTransfer();
      },
    };
    await this.groupCommand(ctx, chatRef, notOwner, async ({ trx, emit, chat, party, operator, infos }) => {
      const removed = await repo.deleteMembers(trx, chat.id, party.kind, [party.id]);
      if (removed.length > 0) {
        await this.emitMembers(trx, emit, imEvents.membersRemoved, chat, [party], infos, operator);
        await this.dropEphemeralCards(trx, emit, chat.id, [party]);
        await this.systemMessage(trx, emit, chat, systemContent('member_left', { operator: party }), infos);
      }
    });
  }

  /**
   * People who left a chat (or were removed) lose the cards apps sent them alone there: deleted in
   * the removal's transaction, each announced to its person (`im.ephemeral.deleted`), so no device
   * keeps showing one and a later return to the chat brings none back.
   */
  private async dropEphemeralCards(trx: Transaction<ImDb>, emit: Emit, chatId: string, parties: readonly Party[]): Promise<void> {
    const userIds = parties.filter((party) => party.kind === 'user').map((party) => party.id);
    for (const row of await ephemeralRepository.deleteForPeople(trx, chatId, userIds)) {
      const payload: EphemeralEventPayload = { chatId: row.chat_id, userId: row.user_id, messageId: row.id };
      await emit({ type: imEvents.ephemeralDeleted, subjectType: 'message', subjectId: row.id, payload });
    }
  }

  private async emitMembers(
    trx: Transaction<ImDb>,
    emit: Emit,
    type: string,
    chat: ChatRow,
    changed: readonly Party[],
    infos: ReadonlyMap<string, PartyInfo>,
    operator: PartyInfo | null,
  ): Promise<void> {
    const appIds = await this.appIdsOf(trx, chat.id);
    const pick = (kind: MemberKind) =>
      changed
        .filter((p) => p.kind === kind)
        .flatMap((p) => {
          const info = infos.get(partyKey(p.kind, p.id));
          return info ? [presentParty(info)] : [];
        });
    const payload: MembersEventPayload = {
      chatId: chat.id,
      // A removed bot still learns it was removed: its id stays in the ref for this event.
      chat: presentChatRef(chat, [
        ...new Set([...appIds, ...(type === imEvents.membersRemoved ? changed.filter((p) => p.kind === 'app').map((p) => p.id) : [])]),
      ]),
      users: pick('user'),
      apps: pick('app'),
      operator: operator ? presentParty(operator) : null,
    };
    await emit({ type, subjectType: 'chat', subjectId: chat.id, payload });
  }

  /**
   * Department groups: adds and removes people as the org tree says, as the system (no operator,
   * no permission check; the caller decided). The owner is never removed.
   */
  async syncMembers(tenantId: string, chatId: string, change: { add: readonly string[]; remove: readonly string[] }): Promise<void> {
    const people = (ids: readonly string[]) => ids.map((id) => ({ kind: 'user' as const, id }));
    const infos = await this.parties(tenantId, people([...change.add, ...change.remove]));
    const ctx: Ctx = { tenantId, actor: { type: 'system', name: 'department-chats' } };
    await this.run(ctx, async ({ trx, emit }) => {
      const locked = await repo.lockChat(trx, tenantId, chatId);
      if (!locked || locked.dissolved) return;
      const added = await repo.insertMembers(
        trx,
        change.add.map((id) => ({
          tenant_id: tenantId,
          chat_id: chatId,
          member_kind: 'user' as const,
          member_id: id,
          role: 'member' as const,
          last_read_seq: Number(locked.last_seq),
        })),
      );
      let head = locked;
      if (added.length > 0) {
        await this.emitMembers(trx, emit, imEvents.membersAdded, locked, added, infos, null);
        head = await this.systemMessage(trx, emit, head, membershipContent('added', null, added), infos);
      }
      const leaving = (await repo.findMembers(trx, chatId, 'user', [...change.remove])).filter((m) => m.role !== 'owner');
      const removed = await repo.deleteMembers(
        trx,
        chatId,
        'user',
        leaving.map((m) => m.member_id),
      );
      if (removed.length > 0) {
        await this.emitMembers(trx, emit, imEvents.membersRemoved, locked, people(removed), infos, null);
        await this.dropEphemeralCards(trx, emit, chatId, people(removed));
        await this.systemMessage(trx, emit, head, membershipContent('removed', null, people(removed)), infos);
      }
    });
  }

  // Commands: system messages ------------------------------------------------------------------

  /**
   * Writes a system line into a group's timeline in the caller's transaction — on the chat row the
   * caller locked (or created in it), whose `last_seq` must be current — and announces it like any
   * message (`im.message.created`, no sender; apps get no `receive_v1` for it). It is never unread,
   * never searched, and nobody may act on it. `infos` names whoever it refers to. Returns the chat
   * with its new head, for a second line in the same transaction.
   */
  async systemMessage(
    trx: Transaction<ImDb>,
    emit: Emit,
    chat: ChatRow,
    content: SystemContent,
    infos: ReadonlyMap<string, PartyInfo>,
    appIds?: string[],
  ): Promise<ChatRow> {
    const now = this.deps.clock.now();
    const row = systemMessageRow(chat, content, now);
    await repo.appendSystemMessage(trx, { ...row, mentions: '[]' });
    const head = { ...chat, last_seq: row.seq, last_message_at: now, updated_at: now };
    const operator = content.operator ? (infos.get(partyKey(content.operator.kind, content.operator.id)) ?? null) : null;
    const known = { appIds: appIds ?? (await this.appIdsOf(trx, chat.id)), replies: 0 };
    await this.emitMessage(trx, emit, imEvents.messageCreated, head, row, infos, operator, { parent: null, root: null }, known);
    return head;
  }

  /** One line per change people notice in a group's header (name, description, announcement) and per setting changed. */
  private async chatChangeLines(
    trx: Transaction<ImDb>,
    emit: Emit,
    chat: ChatRow,
    changed: readonly string[],
    operator: PartyInfo,
    settingsBefore: ChatSettings,
  ) {
    const infos = new Map([[partyKey(operator.type, operator.id), operator]]);
    const after = { name: chat.name, settings: settingsOf(chat) };
    let head = chat;
    for (const content of chatChangeContents(changed, { kind: operator.type, id: operator.id }, after, settingsBefore)) {
      head = await this.systemMessage(trx, emit, head, content, infos);
    }
  }

  /** Internal API: people by user id and whole departments (their direct members). */
  async addPeople(ctx: Ctx, chatRef: string, input: PeopleInput): Promise<Party[]> {
    return this.addMembers(ctx, chatRef, await this.resolvePeople(ctx, input));
  }

  async removePeople(ctx: Ctx, chatRef: string, input: PeopleInput): Promise<Party[]> {
    return this.removeMembers(ctx, chatRef, await this.resolvePeople(ctx, input));
  }

  /** Named people plus the active direct members of named departments, each once. */
  private async resolvePeople(ctx: Ctx, input: PeopleInput): Promise<Array<{ kind: 'user'; id: string }>> {
    const fromDepartments = input.departmentIds?.length
      ? await this.deps.users.activeMemberIdsOfDepartments(ctx.tenantId, input.departmentIds)
      : [];
    const ids = [...new Set([...(input.userIds ?? []), ...fromDepartments])];
    if (ids.length === 0) throw errors.validation('Name at least one person or department');
    return ids.map((id) => ({ kind: 'user' as const, id }));
  }

  /** The caller's own preferences for a chat; no event (nobody else sees them). */
  async updatePreferences(ctx: Ctx, chatRef: string, prefs: { muted?: boolean; pinned?: boolean; draft?: string }): Promise<ChatView> {
    const { chat, member, party } = await this.standing(ctx, chatRef);
    assertMember(chat, member, 'chat');
    const patch = Object.fromEntries(Object.entries(prefs).filter(([, value]) => value !== undefined));
    if (Object.keys(patch).length > 0) {
      await this.run(ctx, async ({ trx }) => repo.updateMembers(trx, chat.id, party.kind, [party.id], patch));
    }
    return this.getChat(ctx, chat.id);
  }

  // Commands: messages ----------------------------------------------------------------------------

  /** Sends a message; with a `uuid` already used by this sender in this chat, returns that message. */
  async send(ctx: Ctx, chatRef: string, input: SendInput): Promise<MessageRow> {
    return (await this.post(ctx, chatRef, input)).row;
  }

  /** A custom bot's message (`WebhookBots.receive`): the checks and writes of any send, as the bot. */
  async sendAs(ctx: Ctx, bot: Party, chatRef: string, input: SendInput): Promise<MessageRow> {
    return (await this.post(ctx, chatRef, input, bot)).row;
  }

  /**
   * Sends a message and answers the sender's view of it, presented from what the send wrote and read
   * under the chat lock instead of reading it back: nobody can have reacted or replied yet, and every
   * other person in the chat has it unread. A uuid repeat answers the stored message as it is now.
   */
  async sendAndView(ctx: Ctx, chatRef: string, input: SendInput): Promise<MessageView> {
    const sent = await this.post(ctx, chatRef, input);
    if (!sent.fresh) return this.viewOf(ctx, sent.row);
    const { row, infos } = sent;
    return presentMessage(presentMessageEvent(row, infos.get(partyKey(row.sender_kind, row.sender_id)), infos, 0), [], sent.unreadCount);
  }

  /**
   * A send reads the chat and the sender's membership once, under the chat lock, in the statement that
   * takes it: a removal or a policy change that committed first is seen, and nothing is read twice.
   * What needs the directory (mentions, the sender's entry when the session did not bring it) is
   * resolved before the transaction opens; so content errors come before membership ones.
   */
  private async post(ctx: Ctx, chatRef: string, input: SendInput, as?: Party): Promise<Sent> {
    assertScope(ctx, 'im:message');
    if (input.replyInThread && !input.parentId) throw errors.validation('replyInThread needs parentId');
    const party = as ?? partyOf(ctx);
    const card = input.parsed ? NO_TEMPLATE : await this.cardContent(ctx.tenantId, party, input.msgType, input.content);
    const parsed = input.parsed ?? parseContent(input.msgType, card.content);
    const { rendered, mentions, infos } = await this.render(ctx.tenantId, parsed);
    await this.deps.resources?.check(ctx.tenantId, input.msgType, rendered.content);
    const sender = await this.senderOf(ctx, party);
    infos.set(partyKey(party.kind, party.id), sender);

    return this.run(ctx, async ({ trx, emit }): Promise<Sent> => {
      // One statement: the lock, and under it the chat, the sender's membership, its bots and head count.
      const state = await repo.lockChatForSend(trx, ctx.tenantId, chatRef, party);
      if (!state) throw imErrors.chatNotFound();
      const { chat, member } = state;
      assertMember(chat, member, 'message');
      const permissions = chatPermissions(chat, member);
      if (!permissions.post) throw imErrors.postNotAllowed();
      if (parsed.mentionsAll && !permissions.atAll) throw imErrors.atAllNotAllowed();
      if (input.uuid) {
        const existing = await repo.findByUuid(trx, chat.id, party, input.uuid);
        if (existing) return { row: existing, fresh: false };
      }
      // In a topic group (话题群) every message starts a topic, named at once, and every reply goes
      // into the thread of the topic it answers.
      const topics = chat.chat_type === 'group' && settingsOf(chat).messageForm === 'thread';
      const { parent, root, threadId } = input.parentId
        ? await this.threadOf(trx, ctx.tenantId, chat.id, input.parentId, (input.replyInThread ?? false) || topics)
        : {};
      const now = this.deps.clock.now();
      const seq = Number(chat.last_seq) + 1;
      const row: MessageRow = {
        id: newId(),
        tenant_id: ctx.tenantId,
        chat_id: chat.id,
        message_id: publicId.messageId(),
        seq,
        sender_kind: party.kind,
        sender_id: party.id,
        msg_type: input.msgType,
        content: rendered.content,
        search_text: rendered.searchText,
        search_terms: searchTermsOf(rendered.searchText),
        parent_id: parent?.id ?? null,
        root_id: root?.id ?? null,
        thread_id: threadId ?? (topics ? publicId.threadId() : null),
        in_thread: threadId !== undefined,
        mentions,
        mention_user_ids: mentions.filter((m) => m.kind === 'user').map((m) => m.id),
        mentions_all: parsed.mentionsAll,
        uuid: input.uuid ?? null,
        edited: false,
        recalled: false,
        card_template: card.template ? JSON.stringify(card.template) : null,
        created_at: now,
        updated_at: now,
      };
      // The chat's head, the row, and the sender's read position (sending is reading: the sender's
      // own message never counts as unread for them), in one statement.
      await repo.appendMessage(trx, { ...row, mentions: JSON.stringify(row.mentions) }, party);
      await this.deps.resources?.link(trx as never, row, false);
      await input.attach?.(trx, row);
      const chatAfter = { ...chat, last_seq: seq, last_message_at: now, updated_at: now };
      // A new message has no replies yet; the chat's bots were read with the lock.
      await this.emitMessage(
        trx,
        emit,
        imEvents.messageCreated,
        chatAfter,
        row,
        infos,
        sender,
        {
          parent: parent?.message_id ?? null,
          root: root?.message_id ?? null,
          // The web counts a thread reply as unread for the root's author (notCountedUnread).
          ...(row.in_thread && root?.sender_kind === 'user' ? { threadRootUserId: root.sender_id } : {}),
        },
        { appIds: state.appIds, replies: 0 },
      );
      // Every other person in the chat has it unread: nobody reads past the chat's last seq.
      const unreadCount = state.userCount - (party.kind === 'user' ? 1 : 0);
      return { row, fresh: true, infos, unreadCount };
    });
  }

  /**
   * A card from the calling app as a card message would hold it (a template rendered, the card
   * checked and its mentions resolved), without sending it: cards for one person (ephemeral-cards.ts).
   */
  async renderAppCard(ctx: Ctx, content: string): Promise<string> {
    const card = await this.cardContent(ctx.tenantId, partyOf(ctx), 'interactive', content);
    const { rendered } = await this.render(ctx.tenantId, parseContent('interactive', card.content));
    await this.deps.resources?.check(ctx.tenantId, 'interactive', rendered.content);
    return rendered.content;
  }

  /** A template card rendered from the sending app's template; any other content as it is. */
  private cardContent(tenantId: string, sender: Party, msgType: MsgType, content: string): Promise<CardContent> {
    if (msgType !== 'interactive') return Promise.resolve({ content, template: null });
    return renderTemplateCard(this.deps.cardTemplates, tenantId, sender, content);
  }

  /**
   * The message a reply answers (in the same chat, not a system line, not recalled) and its root;
   * for a thread reply also the thread's `omt_…` id. A thread's root is the message first replied
   * to in thread; naming its thread on that first reply is the one write a plain send does not make.
   */
  private async threadOf(trx: Transaction<ImDb>, tenantId: string, chatId: string, parentRef: string, inThread: boolean) {
    const parent = await repo.findMessage(trx, tenantId, parentRef);
    if (!parent || parent.chat_id !== chatId) throw imErrors.messageNotFound();
    assertNotSystem(parent);
    if (parent.recalled) throw imErrors.recalled();
    // As in Feishu, an answer to a thread reply stays in that thread.
    const threaded = inThread || parent.in_thread;
    const startsThread = threaded && !parent.in_thread;
    const root = parent.root_id && !startsThread ? await repo.findMessage(trx, tenantId, parent.root_id) : parent;
    if (!threaded || !root) return { parent, root };
    let threadId = root.thread_id;
    if (!threadId) {
      threadId = publicId.threadId();
      await repo.setThreadId(trx, root.id, threadId);
    }
    return { parent, root, threadId };
  }

  /**
   * The root of a thread by its `omt_…` id, the caller a member of its chat; an unknown id (or one
   * of another tenant) is `imErrors.threadNotFound` (404; Feishu 230001).
   */
  async threadRoot(ctx: Ctx, threadId: string): Promise<MessageRow> {
    assertScope(ctx, 'im:message');
    const root = await repo.findThreadRoot(this.db, ctx.tenantId, threadId);
    if (!root) throw imErrors.threadNotFound();
    const { chat, member } = await this.standing(ctx, root.chat_id);
    assertMember(chat, member, 'message');
    return root;
  }

  /** The sender as others see them: from the session when it brought the person's entry, else looked up. */
  private async senderOf(ctx: Ctx, party: Party): Promise<PartyInfo> {
    const profile = ctx.actorProfile;
    if (party.kind === 'user' && profile?.id === party.id) return { type: 'user', ...profile };
    return this.party(ctx.tenantId, party);
  }

  private async render(tenantId: string, parsed: ParsedContent) {
    const resolved = await this.resolveMentions(tenantId, parsed.mentions);
    const rendered = parsed.render((ref) => resolved.byRef.get(ref));
    const mentions: MentionRow[] = resolved.list
      // Only mentions the rendered content still refers to (an unused ref resolves but is not shown).
      .filter((mention) => rendered.content.includes(mention.key))
      .map((mention) => ({ key: mention.key, kind: mention.kind, id: mention.id, name: mention.name }));
    return { rendered, mentions, infos: resolved.infos };
  }

  private async emitMessage(
    trx: Transaction<ImDb>,
    emit: Emit,
    type: string,
    chat: ChatRow,
    row: MessageRow,
    infos: ReadonlyMap<string, PartyInfo>,
    operator: PartyInfo | null,
    related: { parent: string | null; root: string | null; threadRootUserId?: string },
    known?: { appIds: string[]; replies: number },
    /** `im.card_view.updated`: the people whose own view `row` shows (`CardViewEventPayload`). */
    viewers?: readonly string[],
  ): Promise<void> {
    const appIds = known?.appIds ?? (await this.appIdsOf(trx, chat.id));
    const replies = known?.replies ?? (row.in_thread ? 0 : ((await repo.replyCounts(trx, [row.id])).get(row.id) ?? 0));
    const sender = infos.get(partyKey(row.sender_kind, row.sender_id));
    const payload: MessageEventPayload | CardViewEventPayload = {
      chatId: chat.id,
      chat: presentChatRef(chat, appIds),
      message: presentMessageEvent(row, sender, infos, replies),
      sender: sender ? presentParty(sender) : null,
      mentions: row.mentions.flatMap((mention) => {
        const info = infos.get(partyKey(mention.kind, mention.id));
        return info ? [{ ...presentParty(info), key: mention.key }] : [];
      }),
      parentMessageId: related.parent,
      rootMessageId: related.root,
      ...(related.threadRootUserId ? { threadRootUserId: related.threadRootUserId } : {}),
      operator: operator ? presentParty(operator) : null,
      ...(viewers ? { userIds: [...viewers] } : {}),
    };
    await emit({ type, subjectType: 'message', subjectId: row.id, payload });
  }

  private async relatedIds(row: MessageRow) {
    const related = await repo.findMessagesByIds(
      this.db,
      [row.parent_id, row.root_id].filter((id): id is string => Boolean(id)),
    );
    return {
      parent: related.find((r) => r.id === row.parent_id)?.message_id ?? null,
      root: related.find((r) => r.id === row.root_id)?.message_id ?? null,
    };
  }

  /**
   * Edits the caller's own text or post message (also switching between them, as Feishu's update
   * allows), or — `card: true` — replaces the content of the caller's own card. A card update made
   * for some people (`viewers`: a click's update, card-views.ts) becomes only their own view of it,
   * unless the stored and the new card are both shared; a card replaced for everyone loses the
   * views people had of it.
   */
  async edit(
    ctx: Ctx,
    messageRef: string,
    input: { content: string; msgType?: MsgType; card?: boolean; viewers?: readonly string[] },
  ): Promise<MessageRow> {
    assertScope(ctx, 'im:message');
    const { message, party, chat, member } = await this.messageStanding(ctx, messageRef);
    assertNotSystem(message);
    if (message.sender_kind !== party.kind || message.sender_id !== party.id) {
      throw imErrors.forbidden('message', 'Only the sender can edit a message');
    }
    if (message.recalled) throw imErrors.recalled();
    const msgType = (input.msgType ?? message.msg_type) as MsgType;
    if (input.card) {
      if (message.msg_type !== 'interactive') throw imErrors.notEditable('Only cards can be patched');
    } else {
      if (!['text', 'post'].includes(message.msg_type) || !['text', 'post'].includes(msgType)) {
        throw imErrors.notEditable('Only text and rich-text messages can be edited');
      }
    }
    if (!chatPermissions(chat, member).post) throw imErrors.postNotAllowed();
    // Stored text says `@_user_1`; an edit of it keeps pointing at the same people.
    let content = input.content;
    if (msgType === 'text' && message.msg_type === 'text') {
      const keys = new Map(message.mentions.map((mention) => [mention.key, mention]));
      content = restoreMentionTags(
        content,
        keys,
        await this.parties(
          ctx.tenantId,
          message.mentions.map((m) => ({ kind: m.kind, id: m.id })),
        ),
      );
    }
    const card = await this.cardContent(ctx.tenantId, party, msgType, content);
    const parsed = parseContent(msgType, card.content);
    if (parsed.mentionsAll && !chatPermissions(chat, member).atAll) throw imErrors.atAllNotAllowed();
    const { rendered, mentions, infos } = await this.render(ctx.tenantId, parsed);
    await this.deps.resources?.check(ctx.tenantId, msgType, rendered.content);
    const sender = await this.party(ctx.tenantId, party);
    infos.set(partyKey(party.kind, party.id), sender);
    const related = await this.relatedIds(message);
    const viewers = input.card && input.viewers && !isSharedUpdate(message.content, rendered.content) ? input.viewers : null;
    await this.run(ctx, async ({ trx, emit }) => {
      const locked = (await repo.lockChat(trx, ctx.tenantId, chat.id))!;
      const current = (await repo.findMessage(trx, ctx.tenantId, message.id))!;
      if (current.recalled) throw imErrors.recalled();
      if (viewers) {
        await cardViews.save(trx, message.id, viewers, rendered.content, this.deps.clock.now());
        const view = { ...current, content: rendered.content };
        await this.emitMessage(trx, emit, imEvents.cardViewUpdated, locked, view, infos, sender, related, undefined, viewers);
        return;
      }
      if (input.card) await cardViews.clear(trx, message.id);
      const patch = {
        msg_type: msgType,
        content: rendered.content,
        search_text: rendered.searchText,
        search_terms: searchTermsOf(rendered.searchText),
        mentions: JSON.stringify(mentions),
        mention_user_ids: mentions.filter((m) => m.kind === 'user').map((m) => m.id),
        mentions_all: parsed.mentionsAll,
        // A card update is the bot changing its card, not an edit the UI marks.
        edited: input.card ? current.edited : true,
        card_template: card.template ? JSON.stringify(card.template) : null,
      };
      await repo.updateMessage(trx, message.id, patch);
      const after = (await repo.findMessage(trx, ctx.tenantId, message.id))!;
      await this.deps.resources?.link(trx as never, after, true);
      await this.emitMessage(trx, emit, imEvents.messageUpdated, locked, after, infos, sender, related);
    });
    return (await repo.findMessage(this.db, ctx.tenantId, message.id))!;
  }

  /** The sender within the recall window; the chat's owner and admins at any time. */
  async recall(ctx: Ctx, messageRef: string): Promise<MessageRow> {
    assertScope(ctx, 'im:message');
    const { message, party, chat, member } = await this.messageStanding(ctx, messageRef);
    assertNotSystem(message);
    if (message.recalled) throw imErrors.recalled();
    const own = message.sender_kind === party.kind && message.sender_id === party.id;
    const manager = chat.chat_type === 'group' && (member.role === 'owner' || member.role === 'admin');
    if (!own && !manager) throw imErrors.forbidden('message', 'You can only recall your own messages');
    const ageMs = this.deps.clock.now().getTime() - message.created_at.getTime();
    if (!manager && ageMs > this.deps.recallMinutes * 60_000) throw imErrors.recallWindowPassed();
    const infos = await this.parties(ctx.tenantId, [party, { kind: message.sender_kind as MemberKind, id: message.sender_id }]);
    const operator = infos.get(partyKey(party.kind, party.id))!;
    const related = await this.relatedIds(message);
    await this.run(ctx, async ({ trx, emit }) => {
      const locked = (await repo.lockChat(trx, ctx.tenantId, chat.id))!;
      const current = (await repo.findMessage(trx, ctx.tenantId, message.id))!;
      if (current.recalled) throw imErrors.recalled();
      // The content goes; the row stays so sequences, threads and read positions keep their meaning.
      await repo.updateMessage(trx, message.id, {
        recalled: true,
        content: '',
        search_text: '',
        search_terms: '',
        mentions: '[]',
        mention_user_ids: [],
        mentions_all: false,
      });
      const after = (await repo.findMessage(trx, ctx.tenantId, message.id))!;
      await this.deps.resources?.link(trx as never, after, true);
      // Its pin, pending buzzes and people's own card views go with it; clients drop them on the recall event.
      await clearPinAndBuzzes(trx as never, message.id);
      if (message.msg_type === 'interactive') await cardViews.clear(trx, message.id);
      await this.emitMessage(trx, emit, imEvents.messageRecalled, locked, after, infos, operator, related);
    });
    return (await repo.findMessage(this.db, ctx.tenantId, message.id))!;
  }

  /** Adds (or removes) the caller's reaction; adding twice is one reaction. */
  async react(
    ctx: Ctx,
    messageRef: string,
    emojiType: string,
    add: boolean,
  ): Promise<{ message: MessageRow; reaction: ReactionRow | null }> {
    assertScope(ctx, 'im:message');
    const { message, party, chat } = await this.messageStanding(ctx, messageRef);
    assertNotSystem(message);
    if (message.recalled) throw imErrors.recalled();
    const reactor = await this.party(ctx.tenantId, party);
    const reaction = await this.run(ctx, async ({ trx, emit }) => {
      let row: ReactionRow | undefined;
      if (add) {
        row = await repo.insertReaction(trx, {
          id: `${randomHex(12)}`,
          tenant_id: ctx.tenantId,
          message_id: message.id,
          reactor_kind: party.kind,
          reactor_id: party.id,
          emoji_type: emojiType,
          created_at: this.deps.clock.now(),
        });
        if (!row) return (await repo.findReaction(trx, message.id, party, emojiType)) ?? null;
      } else {
        row = await repo.findReaction(trx, message.id, party, emojiType);
        if (!row) return null;
        await repo.deleteReaction(trx, row.id);
      }
      await this.emitReaction(trx, emit, add ? imEvents.reactionAdded : imEvents.reactionRemoved, chat, message, row, reactor);
      return row;
    });
    return { message, reaction };
  }

  /** Open API delete by reaction id: only the reactor's own reaction. */
  async removeReaction(ctx: Ctx, messageRef: string, reactionId: string): Promise<ReactionRow> {
    assertScope(ctx, 'im:message');
    const { message, party, chat } = await this.messageStanding(ctx, messageRef);
    const row = await repo.findReactionById(this.db, message.id, reactionId);
    if (!row) throw errors.notFound('Reaction');
    if (row.reactor_kind !== party.kind || row.reactor_id !== party.id)
      throw imErrors.forbidden('message', 'Only the reactor can remove a reaction');
    const reactor = await this.party(ctx.tenantId, party);
    await this.run(ctx, async ({ trx, emit }) => {
      await repo.deleteReaction(trx, row.id);
      await this.emitReaction(trx, emit, imEvents.reactionRemoved, chat, message, row, reactor);
    });
    return row;
  }

  private async emitReaction(
    trx: Transaction<ImDb>,
    emit: Emit,
    type: string,
    chat: ChatRow,
    message: MessageRow,
    reaction: ReactionRow,
    reactor: PartyInfo,
  ): Promise<void> {
    const counts = presentReactions(await repo.reactionsOf(trx, [message.id]), { kind: '', id: '' }).map(({ emojiType, count }) => ({
      emojiType,
      count,
    }));
    const payload: ReactionEventPayload = {
      chatId: chat.id,
      chat: presentChatRef(chat, await this.appIdsOf(trx, chat.id)),
      messageId: message.id,
      openMessageId: message.message_id,
      reactionId: reaction.id,
      emojiType: reaction.emoji_type,
      reactor: presentParty(reactor),
      reactions: counts,
      actionTime: this.deps.clock.now().toISOString(),
    };
    await emit({ type, subjectType: 'message', subjectId: message.id, payload });
  }

  /** Moves the caller's read position forward (never back); other tabs and bots hear of it. */
  async markRead(ctx: Ctx, chatRef: string, seq: number): Promise<{ lastReadSeq: number; unreadCount: number }> {
    const { chat, member, party } = await this.standing(ctx, chatRef);
    assertMember(chat, member, 'chat');
    if (party.kind !== 'user') throw errors.forbidden('Only people read messages');
    const reader = await this.party(ctx.tenantId, party);
    return this.run(ctx, async ({ trx, emit }) => {
      const locked = (await repo.lockChat(trx, ctx.tenantId, chat.id))!;
      const lastSeq = Number(locked.last_seq);
      const before = await repo.findMember(trx, chat.id, party);
      if (!before) throw imErrors.notMember('chat');
      const target = Math.min(seq, lastSeq);
      const previous = Number(before.last_read_seq);
      // System messages and thread replies have seqs but the timeline does not count them
      // (notCountedUnread); unread replies in the reader's threads count against each thread's own
      // read position, whatever the chat's is.
      const threadReplies = (await repo.threadUnreadCounts(trx, party.id, [chat.id])).get(chat.id)?.replies ?? 0;
      const unreadAfter = async (readSeq: number) =>
        (readSeq >= lastSeq ? 0 : lastSeq - readSeq - (await repo.notCountedAfter(trx, chat.id, readSeq))) + threadReplies;
      if (target <= previous) {
        return { lastReadSeq: previous, unreadCount: await unreadAfter(previous), unreadThreadReplyCount: threadReplies };
      }
      const now = this.deps.clock.now();
      await repo.advanceRead(trx, chat.id, party, target, now);
      const read = await repo.messagesRead(trx, chat.id, previous, target, READ_EVENT_WINDOW);
      const byApp = new Map<string, string[]>();
      const senderUserIds = new Set<string>();
      for (const row of read) {
        if (row.sender_kind === 'app') byApp.set(row.sender_id, [...(byApp.get(row.sender_id) ?? []), row.message_id]);
        else if (row.sender_kind === 'user' && row.sender_id !== party.id) senderUserIds.add(row.sender_id);
      }
      const payload: ReadEventPayload = {
        chatId: chat.id,
        chat: presentChatRef(locked, await this.appIdsOf(trx, chat.id)),
        userId: party.id,
        previousReadSeq: previous,
        senderUserIds: [...senderUserIds],
        lastReadSeq: target,
        unreadCount: await unreadAfter(target),
        unreadThreadReplyCount: threadReplies,
        reader: presentParty(reader),
        readAt: now.toISOString(),
        appMessages: [...byApp].map(([appId, messageIds]) => ({ appId, messageIds })),
      };
      await emit({ type: imEvents.read, subjectType: 'chat', subjectId: chat.id, payload });
      return { lastReadSeq: target, unreadCount: payload.unreadCount, unreadThreadReplyCount: threadReplies };
    });
  }

  /** A person's unread counts of one chat, as `ChatView` has them (`presentChat`), read through `db`. */
  private async chatUnread(db: Queryable, tenantId: string, chatId: string, userId: string) {
    const party: Party = { kind: 'user', id: userId };
    const found = await repo.findChatAndMember(db, tenantId, chatId, party);
    if (!found?.member) return { chatUnreadCount: 0, chatUnreadThreadReplyCount: 0, chatUnreadMentionCount: 0 };
    const lastSeq = Number(found.chat.last_seq);
    const readSeq = Math.min(Number(found.member.last_read_seq), lastSeq);
    const notCounted = readSeq >= lastSeq ? 0 : await repo.notCountedAfter(db, chatId, readSeq);
    const thread = (await repo.threadUnreadCounts(db, userId, [chatId])).get(chatId) ?? { replies: 0, mentions: 0 };
    const mentions = (await repo.unreadMentionCounts(db, userId, [chatId])).get(chatId) ?? 0;
    return {
      chatUnreadCount: Math.max(lastSeq - readSeq - notCounted, 0) + thread.replies,
      chatUnreadThreadReplyCount: thread.replies,
      chatUnreadMentionCount: mentions + thread.mentions,
    };
  }

  /**
   * Moves the caller's read position in a thread forward to `seq` (capped at its newest reply;
   * never back): its replies up to there stop counting in the chat's unread count and the root's
   * "N new replies". The reader's other tabs and devices hear of it (`im.thread.read`).
   */
  async markThreadRead(ctx: Ctx, chatRef: string, rootRef: string, seq: number): Promise<ThreadReadAnswer> {
    const { chat, member, party } = await this.standing(ctx, chatRef);
    assertMember(chat, member, 'chat');
    if (party.kind !== 'user') throw errors.forbidden('Only people read messages');
    const root = await repo.findMessage(this.db, ctx.tenantId, rootRef);
    if (!root || root.chat_id !== chat.id || root.in_thread) throw imErrors.messageNotFound();
    return this.run(ctx, async ({ trx, emit }) => {
      const target = Math.min(seq, await repo.lastReplySeq(trx, root.id));
      const previous = await repo.advanceThreadRead(trx, {
        tenantId: ctx.tenantId,
        chatId: chat.id,
        rootId: root.id,
        userId: party.id,
        seq: target,
        now: this.deps.clock.now(),
      });
      const answer: ThreadReadAnswer = {
        chatId: chat.id,
        rootId: root.id,
        lastReadSeq: Math.max(previous, target),
        unreadReplyCount: (await repo.unreadRepliesOfRoots(trx, party.id, [root.id])).get(root.id) ?? 0,
        ...(await this.chatUnread(trx, ctx.tenantId, chat.id, party.id)),
      };
      // Nothing moved: the other tabs have nothing to learn.
      if (target > previous) {
        const payload: ThreadReadEventPayload = { ...answer, userId: party.id };
        await emit({ type: imEvents.threadRead, subjectType: 'message', subjectId: root.id, payload });
      }
      return answer;
    });
  }

  /** The caller's view of one message (after a command). */
  async viewOf(ctx: Ctx, row: MessageRow): Promise<MessageView> {
    const [view] = await this.messageViews(ctx, [row]);
    return view!;
  }
}

/** `@_user_1` back to `<at user_id="ou_…">Name</at>`, so a re-parsed edit keeps its mentions. */
function restoreMentionTags(text: string, keys: ReadonlyMap<string, MentionRow>, parties: ReadonlyMap<string, PartyInfo>): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw contentInvalid('content is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || typeof (parsed as { text?: unknown }).text !== 'string') return text;
  const restored = (parsed as { text: string }).text.replace(/@_user_\d+|@_all/g, (key) => {
    if (key === '@_all') return '<at user_id="all">all</at>';
    const mention = keys.get(key);
    if (!mention) return key;
    const info = parties.get(partyKey(mention.kind, mention.id));
    return `<at user_id="${info?.openId ?? mention.id}">${mention.name}</at>`;
  });
  return JSON.stringify({ ...(parsed as object), text: restored });
}
