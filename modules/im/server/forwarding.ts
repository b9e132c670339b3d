import type { UserLookup } from '@kite/contact/contract';
import type {
  ForwardInput,
  MergedHistoryView,
  MergedMessageView,
  MergeForwardContent,
  MergeForwardInput,
  MessageView,
  MsgType,
} from '@kite/im/contract';
import { AppError, errors } from '@kite/kernel/errors';
import type { Kysely, Transaction } from 'kysely';
import type { ParsedContent } from './content.ts';
import { mergeContent, parseMergeContent, withoutMentions } from './forward-content.ts';
import { forwardRepository as repo } from './forward-repository.ts';
import type { ForwardDb, MergedRow } from './forward-tables.ts';
import { type ChatRow, type ImDb, imRepository, type MessageRow, type Party } from './im-repository.ts';
import type { Ctx, ImService, MessageRecord } from './im-service.ts';
import type { MessageResourceHooks } from './message-resources.ts';
import { assertMember, assertScope, chatPermissions, imErrors, partyOf } from './policy.ts';
import { BOT_AVATAR_COLOR, type PartyInfo, partyKey, presentParty } from './presenters.ts';
import type { MemberKind } from './tables.ts';

/** Copies one merge-forward may hold, nested merge-forwards included: a bound on the snapshot's size. */
export const MAX_MERGED_COPIES = 1000;

export const forwardErrors = {
  notForwardable: () =>
    new AppError('not_forwardable', 'System messages cannot be forwarded', { status: 409, openStatus: 400, openCode: 230_001 }),
  mixedChats: () =>
    new AppError('messages_from_several_chats', 'Merge-forward messages of one chat at a time', {
      status: 400,
      openCode: 230_001,
    }),
  unavailable: (ids: string[]) =>
    new AppError('messages_unavailable', 'Some messages were recalled or do not exist', {
      status: 409,
      openStatus: 400,
      openCode: 230_001,
      details: { messageIds: ids },
    }),
  tooLarge: () =>
    new AppError('merge_forward_too_large', `A merged history holds at most ${MAX_MERGED_COPIES} messages, nested ones included`, {
      status: 400,
      openCode: 230_001,
    }),
  notMerged: () =>
    new AppError('not_merge_forward', 'This message is not a merged chat history', { status: 409, openStatus: 400, openCode: 230_001 }),
  toSelf: () => errors.validation('You cannot forward to yourself'),
};

/** A copy in a snapshot before it is stored: `upper_message_id` null means the holder itself. */
type Copy = Omit<MergedRow, 'tenant_id' | 'merge_id' | 'position' | 'upper_message_id'> & { upper_message_id: string | null };

/** A send into a thread: a thread reply to its root. */
function inThreadOf(threadRootId: string | undefined): { parentId?: string; replyInThread?: boolean } {
  return threadRootId ? { parentId: threadRootId, replyInThread: true } : {};
}

/** A checked single message to forward. */
export interface ForwardSource {
  row: MessageRow;
  /** Its snapshot when it is itself a merge_forward (copied along). */
  copies: Copy[];
}

/** A checked merged history, ready to send to any number of chats. */
export interface MergeSource {
  content: string;
  searchText: string;
  copies: Copy[];
  /** Asked-for ids that are unknown, recalled or system messages (Feishu's `invalid_message_id_list`). */
  invalid: string[];
}

export interface ForwardingDeps {
  db: Kysely<ForwardDb>;
  im: ImService;
  users: Pick<UserLookup, 'usersByIds'>;
  resources?: MessageResourceHooks;
}

/**
 * Forwarding. A forward is a new message the caller sends with the original's content (mentions
 * as plain text, so nobody is notified again); a merge-forward is one `merge_forward` message whose
 * snapshot (`im_merged_message`) holds copies of the chosen messages as they were. Both go through
 * ImService's send, so the target's posting rights, the chat lock, the event and the links to
 * images and files are those of any message: members of the target chat can open what the copies
 * show, and nobody else gains anything.
 *
 * Reading first, then writing: sources and targets are checked before anything is stored.
 */
export class ImForwarding {
  constructor(private readonly deps: ForwardingDeps) {}

  private get db() {
    return this.deps.db;
  }

  /** The same database seen through the messenger's own tables (its repository's type). */
  private get imDb(): Kysely<ImDb> {
    return this.deps.db as unknown as Kysely<ImDb>;
  }

  // Sources ---------------------------------------------------------------------------------------

  /** Messages the caller can read (recalled ones too), all of one chat, with that chat. */
  private async readable(ctx: Ctx, refs: readonly string[]): Promise<{ chat: ChatRow; found: MessageRow[] }> {
    assertScope(ctx, 'im:message');
    const found = await repo.messagesByRefs(this.db, ctx.tenantId, [...new Set(refs)]);
    const chatIds = new Set(found.map((row) => row.chat_id));
    if (chatIds.size === 0) throw imErrors.messageNotFound();
    if (chatIds.size > 1) throw forwardErrors.mixedChats();
    const standing = await imRepository.findChatAndMember(this.imDb, ctx.tenantId, [...chatIds][0]!, partyOf(ctx));
    if (!standing) throw imErrors.messageNotFound();
    assertMember(standing.chat, standing.member, 'message');
    return { chat: standing.chat, found };
  }

  private async readableOne(ctx: Ctx, messageRef: string): Promise<MessageRow> {
    const { found } = await this.readable(ctx, [messageRef]);
    return found[0]!; // one ref, and `readable` refuses a ref that names nothing
  }

  /** One message to forward; recalled and system messages cannot be. */
  async forwardSource(ctx: Ctx, messageRef: string): Promise<ForwardSource> {
    const row = await this.readableOne(ctx, messageRef);
    if (row.recalled) throw imErrors.recalled();
    if (!forwardable(row)) throw forwardErrors.notForwardable();
    const copies = row.msg_type === 'merge_forward' ? nestedCopies(row, await repo.mergedOf(this.db, [row.id]), null) : [];
    return { row, copies };
  }

  /**
   * Messages of one chat as a merged history. `strict` (the web) refuses any unusable id; otherwise
   * (the open API) they are left out and listed in `invalid`, as Feishu does.
   */
  async mergeSource(ctx: Ctx, messageRefs: readonly string[], options: { strict: boolean }): Promise<MergeSource> {
    const { chat, found } = await this.readable(ctx, messageRefs);
    const rows = found.filter(forwardable);
    const invalid = [...new Set(messageRefs)].filter((ref) => !rows.some((row) => row.id === ref || row.message_id === ref));
    if (options.strict && invalid.length > 0) throw forwardErrors.unavailable(invalid);
    if (rows.length === 0) throw forwardErrors.unavailable(invalid);
    const senders = await this.deps.im.parties(
      ctx.tenantId,
      rows.map((row) => ({ kind: row.sender_kind as MemberKind, id: row.sender_id })),
    );
    const nested = await repo.mergedOf(
      this.db,
      rows.filter((row) => row.msg_type === 'merge_forward').map((row) => row.id),
    );
    const copies = rows.flatMap((row) => {
      const senderName = senders.get(partyKey(row.sender_kind, row.sender_id))?.name ?? '';
      const own = copyOf(row, senderName);
      return row.msg_type === 'merge_forward' ? [own, ...nestedCopies(row, nested, row.message_id)] : [own];
    });
    if (copies.length > MAX_MERGED_COPIES) throw forwardErrors.tooLarge();
    const { content, searchText } = mergeContent(
      await this.sourceOf(ctx, chat),
      rows.map((row) => ({
        senderName: senders.get(partyKey(row.sender_kind, row.sender_id))?.name ?? '',
        msgType: row.msg_type as MsgType,
        searchText: row.search_text,
      })),
    );
    return { content, searchText, copies, invalid };
  }

  /** A group by its name; a p2p chat by the names of the two in it. */
  private async sourceOf(ctx: Ctx, chat: ChatRow): Promise<MergeForwardContent['source']> {
    if (chat.chat_type === 'group') return { chat_type: 'group', name: chat.name };
    const members = await imRepository.allMembers(this.imDb, chat.id);
    const parties = await this.deps.im.parties(
      ctx.tenantId,
      members.map((member) => ({ kind: member.member_kind, id: member.member_id })),
    );
    return { chat_type: 'p2p', names: [...parties.values()].map((party) => party.name) };
  }

  // Targets ---------------------------------------------------------------------------------------

  /**
   * The chats a forward goes to, checked before anything is sent: chats the caller is in and may
   * post in, and people (their p2p chat with the caller, opened when new, as a new chat would be).
   */
  async targetChats(ctx: Ctx, targets: ForwardInput): Promise<string[]> {
    const self = partyOf(ctx);
    const chatIds: string[] = [];
    for (const ref of new Set(targets.chatIds ?? [])) {
      const standing = await imRepository.findChatAndMember(this.imDb, ctx.tenantId, ref, self);
      if (!standing) throw imErrors.chatNotFound();
      assertMember(standing.chat, standing.member, 'message');
      if (!chatPermissions(standing.chat, standing.member).post) throw imErrors.postNotAllowed();
      chatIds.push(standing.chat.id);
    }
    const userIds = [...new Set(targets.userIds ?? [])];
    if (self.kind === 'user' && userIds.includes(self.id)) throw forwardErrors.toSelf();
    const active = await this.deps.users.usersByIds(ctx.tenantId, userIds);
    if (active.filter((user) => user.status === 'active').length !== userIds.length) throw imErrors.userNotFound();
    for (const id of userIds) chatIds.push(await this.deps.im.openP2p(ctx, { kind: 'user', id }));
    return [...new Set(chatIds)];
  }

  // Sending ---------------------------------------------------------------------------------------

  /**
   * Sends the caller's copy of `source` to a chat, or with `threadRootId` into that root's thread as
   * a thread reply (im v1's `receive_id_type=thread_id`); a repeated `uuid` answers the first copy.
   */
  async sendForward(ctx: Ctx, source: ForwardSource, chatRef: string, uuid?: string, threadRootId?: string): Promise<MessageView> {
    const { row } = source;
    if (row.msg_type === 'merge_forward') {
      const merged = { content: row.content, searchText: row.search_text, copies: source.copies, invalid: [] };
      return this.sendMerged(ctx, merged, chatRef, uuid, threadRootId);
    }
    return this.deps.im.sendAndView(ctx, chatRef, {
      msgType: row.msg_type as Exclude<MsgType, 'system'>,
      content: withoutMentions(row.msg_type, row.content, row.mentions),
      uuid,
      ...inThreadOf(threadRootId),
    });
  }

  /** Sends a merged history to a chat: the message, its snapshot and its resource links in one transaction. */
  async sendMerged(ctx: Ctx, source: MergeSource, chatRef: string, uuid?: string, threadRootId?: string): Promise<MessageView> {
    const parsed: ParsedContent = {
      msgType: 'merge_forward',
      mentions: [],
      mentionsAll: false,
      render: () => ({ content: source.content, searchText: source.searchText }),
    };
    return this.deps.im.sendAndView(ctx, chatRef, {
      msgType: 'merge_forward',
      content: source.content,
      parsed,
      uuid,
      ...inThreadOf(threadRootId),
      attach: (trx, holder) => this.storeCopies(trx, holder, source.copies),
    });
  }

  private async storeCopies(trx: Transaction<ImDb>, holder: MessageRow, copies: readonly Copy[]): Promise<void> {
    await repo.insertMerged(
      trx as unknown as Transaction<ForwardDb>,
      copies.map((copy, position) => ({
        ...copy,
        tenant_id: holder.tenant_id,
        merge_id: holder.id,
        position,
        upper_message_id: copy.upper_message_id ?? holder.message_id,
      })),
    );
    await this.deps.resources?.linkContents(
      trx as never,
      holder,
      copies.map((copy) => ({ msgType: copy.msg_type, content: copy.content })),
    );
  }

  /** The web's forward: one message to several chats and people, each getting the caller's copy. */
  async forwardTo(ctx: Ctx, messageRef: string, targets: ForwardInput): Promise<MessageView[]> {
    const source = await this.forwardSource(ctx, messageRef);
    const chats = await this.targetChats(ctx, targets);
    const sent: MessageView[] = [];
    for (const chatId of chats) sent.push(await this.sendForward(ctx, source, chatId));
    return sent;
  }

  /** The web's merge-forward: every named message must be usable, the history goes to each target. */
  async mergeForwardTo(ctx: Ctx, input: MergeForwardInput): Promise<MessageView[]> {
    const source = await this.mergeSource(ctx, input.messageIds, { strict: true });
    const chats = await this.targetChats(ctx, input);
    const sent: MessageView[] = [];
    for (const chatId of chats) sent.push(await this.sendMerged(ctx, source, chatId));
    return sent;
  }

  // Reading a merged history ----------------------------------------------------------------------

  /** The snapshot of a merge_forward message, for a member of its chat. */
  async mergedHistory(ctx: Ctx, messageRef: string): Promise<MergedHistoryView> {
    const holder = await this.readableOne(ctx, messageRef);
    if (holder.recalled) throw imErrors.recalled();
    if (holder.msg_type !== 'merge_forward') throw forwardErrors.notMerged();
    const copies = await repo.mergedOf(this.db, [holder.id]);
    const senders = await this.senders(ctx, copies);
    return {
      messageId: holder.message_id,
      content: parseMergeContent(holder.content),
      items: copies.map((copy): MergedMessageView => {
        const sender = senders.get(partyKey(copy.sender_kind, copy.sender_id));
        return {
          messageId: copy.message_id,
          upperMessageId: copy.upper_message_id,
          msgType: copy.msg_type as MsgType,
          content: copy.content,
          sender: { type: sender.type, id: sender.id, name: sender.name, avatarColor: sender.avatarColor },
          createdAt: copy.created_at.toISOString(),
        };
      }),
    };
  }

  /**
   * The open API's sub-messages of a merge_forward message (`upper_message_id` set), after the
   * caller's access to `record` was checked. Nothing for other or recalled messages.
   */
  async subMessageRecords(ctx: Ctx, record: MessageRecord): Promise<MessageRecord[]> {
    const { message } = record;
    if (message.msgType !== 'merge_forward' || message.recalled) return [];
    const copies = await repo.mergedOf(this.db, [message.id]);
    const senders = await this.senders(ctx, copies);
    return copies.map((copy) => {
      const sender = senders.get(partyKey(copy.sender_kind, copy.sender_id));
      const createdAt = copy.created_at.toISOString();
      return {
        message: {
          ...message,
          id: copy.message_id,
          messageId: copy.message_id,
          msgType: copy.msg_type as MsgType,
          content: copy.content,
          sender: { type: sender.type, id: sender.id, name: sender.name, avatarColor: sender.avatarColor },
          replyCount: 0,
          mentions: [],
          mentionsAll: false,
          edited: false,
          recalled: false,
          createdAt,
          updatedAt: createdAt,
        },
        chat: record.chat,
        sender: presentParty(sender),
        mentions: [],
        parentMessageId: null,
        rootMessageId: null,
        upperMessageId: copy.upper_message_id,
      };
    });
  }

  /** Who sent the copies, as the directory knows them now, else as they were named when forwarded. */
  private async senders(ctx: Ctx, copies: readonly MergedRow[]): Promise<{ get(key: string): PartyInfo }> {
    const known = await this.deps.im.parties(
      ctx.tenantId,
      copies.map((copy): Party => ({ kind: copy.sender_kind, id: copy.sender_id })),
    );
    const names = new Map(copies.map((copy) => [partyKey(copy.sender_kind, copy.sender_id), copy]));
    return {
      get(key) {
        const found = known.get(key);
        if (found) return found;
        const copy = names.get(key);
        return {
          type: copy?.sender_kind ?? 'user',
          id: copy?.sender_id ?? '',
          openId: '',
          unionId: '',
          userId: '',
          name: copy?.sender_name ?? '',
          avatarColor: BOT_AVATAR_COLOR,
        };
      },
    };
  }
}

/** Recalled and system messages are not forwarded. */
function forwardable(row: MessageRow): boolean {
  return !row.recalled && row.sender_kind !== 'system' && row.msg_type !== 'system';
}

/** A message as a copy in a snapshot, at its top level. */
function copyOf(row: MessageRow, senderName: string): Copy {
  return {
    message_id: row.message_id,
    upper_message_id: null,
    sender_kind: row.sender_kind as MemberKind,
    sender_id: row.sender_id,
    sender_name: senderName,
    msg_type: row.msg_type,
    content: withoutMentions(row.msg_type, row.content, row.mentions),
    created_at: row.created_at,
  };
}

/**
 * The copies a merge_forward `row` holds, carried into another snapshot. Its own top-level copies
 * point at `upper` (the row's `om_…` when it sits nested in the new snapshot, null when the new
 * message takes its place); deeper ones keep pointing at their nested merge_forward.
 */
function nestedCopies(row: MessageRow, snapshot: readonly MergedRow[], upper: string | null): Copy[] {
  return snapshot
    .filter((copy) => copy.merge_id === row.id)
    .map(({ tenant_id: _tenant, merge_id: _merge, position: _position, ...copy }) => ({
      ...copy,
      upper_message_id: copy.upper_message_id === row.message_id ? upper : copy.upper_message_id,
    }));
}
