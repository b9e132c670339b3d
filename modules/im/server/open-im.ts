import type { UserLookup } from '@kite/contact/contract';
import type { ImParty } from '@kite/im/contract';
import { errors } from '@kite/kernel/errors';
import type { AppDirectory } from '@kite/openplatform/contract';
import type { Party, ReactionRow } from './im-repository.ts';
import type { Ctx, ImService, MessageRecord } from './im-service.ts';
import {
  presentOpenChat,
  presentOpenChatItem,
  presentOpenMember,
  presentOpenMessage,
  presentOpenReaction,
  type UserIdType,
} from './open-presenters.ts';
import { assertScope, imErrors } from './policy.ts';
import { partyKey, presentParty } from './presenters.ts';

export type MemberIdType = UserIdType | 'app_id';
export type ReceiveIdType = UserIdType | 'email' | 'chat_id';

/**
 * The messenger in Feishu's im v1 terms: public ids of the caller's choosing, page tokens, Feishu
 * object shapes. Every write goes through ImService, so it checks and emits exactly as the web does.
 */
export class OpenImApi {
  constructor(
    readonly service: ImService,
    private readonly users: UserLookup,
    private readonly apps: Pick<AppDirectory, 'listTenantApps'>,
    private readonly tenantKeyOf: (tenantId: string) => Promise<string>,
    /** The copies a merge_forward message holds (forwarding), listed after it by messages.get. */
    private readonly subMessages: (ctx: Ctx, record: MessageRecord) => Promise<MessageRecord[]> = async () => [],
  ) {}

  tenantKey(ctx: Ctx): Promise<string> {
    return this.tenantKeyOf(ctx.tenantId);
  }

  /** Splits ids into known parties and the ones that name nobody (Feishu's `invalid_id_list`). */
  async resolveMembers(ctx: Ctx, ids: readonly string[], type: MemberIdType): Promise<{ parties: Party[]; invalid: string[] }> {
    const appIds = new Set((await this.apps.listTenantApps(ctx.tenantId)).map((app) => app.appId));
    const parties: Party[] = [];
    const invalid: string[] = [];
    const userRefs: string[] = [];
    for (const id of new Set(ids)) {
      // A bot is added by its app id, whatever member_id_type says (Feishu: bot_id_list, app_id).
      if (type === 'app_id' || id.startsWith('cli_')) {
        if (appIds.has(id)) parties.push({ kind: 'app', id });
        else invalid.push(id);
      } else userRefs.push(id);
    }
    if (userRefs.length > 0 && type !== 'app_id') {
      const found = await this.users.usersByPublicIds(ctx.tenantId, type, userRefs);
      for (const ref of userRefs) {
        const user = found.find(
          (candidate) => candidate[type === 'open_id' ? 'openId' : type === 'union_id' ? 'unionId' : 'userId'] === ref,
        );
        if (user && user.status === 'active') parties.push({ kind: 'user', id: user.id });
        else invalid.push(ref);
      }
    }
    return { parties, invalid };
  }

  async resolveUser(ctx: Ctx, id: string, type: UserIdType | 'email'): Promise<string> {
    const [user] = await this.users.usersByPublicIds(ctx.tenantId, type, [id]);
    if (user?.status !== 'active') throw imErrors.userNotFound();
    return user.id;
  }

  /** Where a forward goes: a chat (see receiverChat), or — `thread_id` — a thread, checked before anything is sent. */
  async receiver(ctx: Ctx, receiveId: string, type: ReceiveIdType | 'thread_id'): Promise<{ chatRef: string; threadRootId?: string }> {
    if (type !== 'thread_id') return { chatRef: await this.receiverChat(ctx, receiveId, type) };
    const root = await this.service.threadRoot(ctx, receiveId);
    return { chatRef: root.chat_id, threadRootId: root.id };
  }

  /** The chat a message goes to: the chat itself, or the p2p chat between the caller and a person. */
  async receiverChat(ctx: Ctx, receiveId: string, type: ReceiveIdType): Promise<string> {
    if (type === 'chat_id') return receiveId;
    return this.service.openP2p(ctx, { kind: 'user', id: await this.resolveUser(ctx, receiveId, type) });
  }

  private async partiesById(ctx: Ctx, list: Party[]): Promise<Map<string, ImParty>> {
    const infos = await this.service.parties(ctx.tenantId, list);
    return new Map([...infos].map(([key, info]) => [key, presentParty(info)]));
  }

  /** chat.get's shape; `withId` adds `chat_id` as chat.create answers. */
  async chat(ctx: Ctx, chatRef: string, type: UserIdType, options: { withId?: boolean } = {}) {
    assertScope(ctx, 'im:chat', 'im:message');
    const { chat, memberCount, appCount, admins } = await this.service.chatForOpen(ctx, chatRef);
    const owner = chat.owner_kind && chat.owner_id ? { kind: chat.owner_kind, id: chat.owner_id } : undefined;
    const parties = await this.partiesById(ctx, [...(owner ? [owner] : []), ...admins.map((id) => ({ kind: 'user' as const, id }))]);
    const presented = presentOpenChat(chat, {
      owner: owner ? parties.get(partyKey(owner.kind, owner.id)) : undefined,
      admins: admins.flatMap((id) => parties.get(partyKey('user', id)) ?? []),
      userCount: memberCount,
      botCount: appCount,
      type,
      tenantKey: await this.tenantKey(ctx),
    });
    return options.withId ? { chat_id: chat.chat_id, ...presented } : presented;
  }

  async react(ctx: Ctx, messageRef: string, emojiType: string) {
    const { reaction } = await this.service.react(ctx, messageRef, emojiType, true);
    if (!reaction) throw imErrors.messageNotFound();
    return this.presentReaction(ctx, reaction);
  }

  async removeReaction(ctx: Ctx, messageRef: string, reactionId: string) {
    return this.presentReaction(ctx, await this.service.removeReaction(ctx, messageRef, reactionId));
  }

  private async presentReaction(ctx: Ctx, row: ReactionRow) {
    const reactor = (await this.partiesById(ctx, [{ kind: row.reactor_kind, id: row.reactor_id }])).get(
      partyKey(row.reactor_kind, row.reactor_id),
    );
    return presentOpenReaction(row, reactor, 'open_id');
  }

  async chats(ctx: Ctx, query: { q?: string; pageSize: number; pageToken?: string }, type: UserIdType) {
    assertScope(ctx, 'im:chat', 'im:message');
    const { rows, nextCursor } = await this.service.chatPage(ctx, { cursor: query.pageToken, limit: query.pageSize, q: query.q });
    const parties = await this.partiesById(
      ctx,
      rows.flatMap((row) => (row.owner_kind && row.owner_id ? [{ kind: row.owner_kind, id: row.owner_id }] : [])),
    );
    const tenantKey = await this.tenantKey(ctx);
    return {
      items: rows.map((row) =>
        presentOpenChatItem(
          row,
          row.owner_kind && row.owner_id ? parties.get(partyKey(row.owner_kind, row.owner_id)) : undefined,
          type,
          tenantKey,
        ),
      ),
      page_token: nextCursor ?? '',
      has_more: nextCursor !== null,
    };
  }

  async members(ctx: Ctx, chatRef: string, type: UserIdType, pageSize: number, pageToken?: string) {
    assertScope(ctx, 'im:chat', 'im:message');
    const page = await this.service.memberParties(ctx, chatRef, { afterId: pageToken, limit: pageSize });
    const tenantKey = await this.tenantKey(ctx);
    return {
      items: page.items.map((member) => presentOpenMember(presentParty(member), type, tenantKey)),
      page_token: page.nextAfterId ?? '',
      has_more: page.nextAfterId !== null,
      member_total: page.total,
    };
  }

  async message(ctx: Ctx, messageRef: string, type: UserIdType) {
    const record = await this.service.messageRecord(ctx, messageRef);
    return presentOpenMessage(record, type, await this.tenantKey(ctx));
  }

  /** messages.get: the message, followed for a merge_forward by its copies (`upper_message_id`). */
  async messageItems(ctx: Ctx, messageRef: string, type: UserIdType) {
    const record = await this.service.messageRecord(ctx, messageRef);
    const tenantKey = await this.tenantKey(ctx);
    return [record, ...(await this.subMessages(ctx, record))].map((item) => presentOpenMessage(item, type, tenantKey));
  }

  async messages(
    ctx: Ctx,
    chatRef: string,
    query: { start?: Date; end?: Date; descending: boolean; pageToken?: string; pageSize: number; threadId?: string },
    type: UserIdType,
  ) {
    let afterSeq: number | undefined;
    if (query.pageToken) {
      afterSeq = Number(query.pageToken);
      if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) throw errors.validation('Invalid page_token');
    }
    const { records, nextSeq } = await this.service.messagesByTime(ctx, chatRef, {
      start: query.start,
      end: query.end,
      descending: query.descending,
      afterSeq,
      limit: query.pageSize,
      threadId: query.threadId,
    });
    const tenantKey = await this.tenantKey(ctx);
    return {
      items: records.map((record) => presentOpenMessage(record, type, tenantKey)),
      page_token: nextSeq === null ? '' : String(nextSeq),
      has_more: nextSeq !== null,
    };
  }

  async readUsers(ctx: Ctx, messageRef: string, type: UserIdType) {
    const { read, readAt } = await this.service.readUsers(ctx, messageRef);
    const tenantKey = await this.tenantKey(ctx);
    return {
      items: read.map((user) => ({
        user_id_type: type,
        user_id: presentOpenMember(presentParty(user), type, tenantKey).member_id,
        timestamp: String(readAt.get(user.id)?.getTime() ?? 0),
        tenant_key: tenantKey,
      })),
      page_token: '',
      has_more: false,
    };
  }

  async reactions(ctx: Ctx, messageRef: string, query: { emojiType?: string; pageSize: number; pageToken?: string }, type: UserIdType) {
    const page = await this.service.reactionPage(ctx, messageRef, {
      emojiType: query.emojiType,
      cursor: query.pageToken,
      limit: query.pageSize,
    });
    return {
      items: page.rows.map((row) => {
        const reactor = page.parties.get(partyKey(row.reactor_kind, row.reactor_id));
        return presentOpenReaction(row, reactor ? presentParty(reactor) : undefined, type);
      }),
      page_token: page.nextCursor ?? '',
      has_more: page.nextCursor !== null,
    };
  }
}
