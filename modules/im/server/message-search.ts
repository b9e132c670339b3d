import type { MessageSearchAnswer, MessageSearchHit, SearchQuery } from '@kite/im/contract';
import type { Clock } from '@kite/kernel/clock';
import { errors } from '@kite/kernel/errors';
import type { RequestContext } from '@kite/platform/context';
import type { Kysely } from 'kysely';
import {
  type ChatRow,
  type ImDb,
  type MemberRow,
  type MessageRow,
  type Party,
  imRepository as repo,
  retentionCutoff,
} from './im-repository.ts';
import { assertMember, imErrors, partyOf } from './policy.ts';
import { type PartyInfo, partyKey, presentMessageEvent, presentUserRef } from './presenters.ts';
import { type SearchPosition, searchRepository } from './search-repository.ts';
import { snippetOf } from './search-snippet.ts';
import { queryTerms, searchTermsOf, wordStarts } from './search-terms.ts';

type Ctx = Pick<RequestContext, 'tenantId' | 'actor' | 'scopes'>;

export interface MessageSearchDeps {
  db: Kysely<ImDb>;
  clock: Clock;
  /** People and bots by party (ImService.parties): senders' and p2p peers' names. */
  parties(tenantId: string, list: readonly Party[]): Promise<Map<string, PartyInfo>>;
}

/** Messages indexed per backfill batch: one select and one update each. */
const BACKFILL_BATCH = 500;

function encodeCursor(position: SearchPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

function decodeCursor(token: string | undefined): SearchPosition | undefined {
  if (!token) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'string' && typeof id === 'string' && at.length <= 64 && id.length <= 64 && !Number.isNaN(Date.parse(at))) {
      return { at, id };
    }
  } catch {
    // a malformed cursor is the caller's bad input, reported below
  }
  throw errors.validation('Invalid cursor');
}

/**
 * Message search: what a person may read (chats they are in, not dissolved; messages not recalled)
 * that contains the query, newest first, a page at a time. How the index finds it:
 * search-terms.ts (terms) and search-repository.ts (the two-step lookup).
 */
export class MessageSearch {
  constructor(private readonly deps: MessageSearchDeps) {}

  async search(ctx: Ctx, query: SearchQuery): Promise<MessageSearchAnswer> {
    const viewer = partyOf(ctx);
    if (viewer.kind !== 'user') throw errors.forbidden('Only people search messages');
    const after = decodeCursor(query.cursor);
    const chatIds = query.chatId
      ? [await this.readableChat(ctx, viewer, query.chatId)]
      : await repo.chatIdsOfUser(this.deps.db, ctx.tenantId, viewer.id);
    const terms = queryTerms(query.q);
    // Nothing to look up (only punctuation or symbols), or nowhere to look.
    if (terms.length === 0 || chatIds.length === 0) return { items: [], nextCursor: null };
    const positions = await searchRepository.findMatches(this.deps.db, {
      tenantId: ctx.tenantId,
      chatIds,
      inChat: Boolean(query.chatId),
      terms,
      wordStarts: wordStarts(query.q),
      text: query.q,
      senderId: query.senderId,
      from: await this.searchableSince(ctx.tenantId, query.from),
      to: query.to ? new Date(query.to) : undefined,
      after,
      limit: query.limit + 1,
    });
    const page = positions.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: await this.present(ctx.tenantId, viewer, page, query.q),
      nextCursor: positions.length > query.limit && last ? encodeCursor(last) : null,
    };
  }

  /**
   * Indexes messages that have no search terms yet (stored before search existed), a batch at a
   * time, until none is left. Safe to run on several nodes at once and next to sends and edits.
   */
  async indexOlderMessages(): Promise<number> {
    let indexed = 0;
    for (;;) {
      const batch = await searchRepository.unindexed(this.deps.db, BACKFILL_BATCH);
      const written = await searchRepository.writeTerms(
        this.deps.db,
        batch.map((row) => ({ id: row.id, searchText: row.search_text, terms: searchTermsOf(row.search_text) })),
      );
      indexed += written;
      // A short batch was the last; one where nothing could be written would only come back.
      if (batch.length < BACKFILL_BATCH || written === 0) return indexed;
    }
  }

  /**
   * Where results start: the date asked for, or the tenant's retention cutoff when that is later —
   * messages past it are found by no search, although the hourly sweep may not have deleted them yet.
   */
  private async searchableSince(tenantId: string, asked: string | undefined): Promise<Date | undefined> {
    const days = await repo.retentionDays(this.deps.db, tenantId);
    const from = asked ? new Date(asked) : undefined;
    if (days === null) return from;
    const cutoff = retentionCutoff(days, this.deps.clock.now());
    return from && from > cutoff ? from : cutoff;
  }

  /** The chat's internal id, when the viewer is a member and it is not dissolved. */
  private async readableChat(ctx: Ctx, viewer: Party, chatRef: string): Promise<string> {
    const found = await repo.findChatAndMember(this.deps.db, ctx.tenantId, chatRef, viewer);
    if (!found) throw imErrors.chatNotFound();
    assertMember(found.chat, found.member, 'message');
    return found.chat.id;
  }

  private async present(tenantId: string, viewer: Party, positions: readonly SearchPosition[], query: string): Promise<MessageSearchHit[]> {
    if (positions.length === 0) return [];
    const { db } = this.deps;
    const byId = new Map(
      (
        await repo.findMessagesByIds(
          db,
          positions.map((position) => position.id),
        )
      ).map((row) => [row.id, row]),
    );
    const rows = positions.flatMap((position) => byId.get(position.id) ?? []);
    const chats = await searchRepository.chatsByIds(db, tenantId, [...new Set(rows.map((row) => row.chat_id))]);
    const peers = await repo.otherUserMembers(
      db,
      chats.filter((chat) => chat.chat_type === 'p2p').map((chat) => chat.id),
      viewer.id,
    );
    const parties = await this.deps.parties(tenantId, [
      ...rows.flatMap((row) => (row.sender_kind === 'system' ? [] : [{ kind: row.sender_kind, id: row.sender_id }])),
      ...peers.map((peer) => ({ kind: peer.member_kind, id: peer.member_id })),
    ]);
    const chatById = new Map(chats.map((chat) => [chat.id, presentChatRef(chat, peers, parties)]));
    return rows.flatMap((row) => {
      const chat = chatById.get(row.chat_id);
      if (!chat) return [];
      const snippet = snippetOf(row.search_text, query);
      return [{ message: presentHitMessage(row, parties), chat, snippet: snippet.text, highlights: snippet.highlights }];
    });
  }
}

/** The message as a hit shows it: who sent it when, not its content (the snippet stands for it). */
function presentHitMessage(row: MessageRow, parties: ReadonlyMap<string, PartyInfo>): MessageSearchHit['message'] {
  const view = presentMessageEvent(row, parties.get(partyKey(row.sender_kind, row.sender_id)), parties, 0);
  const { id, messageId, chatId, seq, msgType, sender, rootId, edited, createdAt } = view;
  return { id, messageId, chatId, seq, msgType, sender, rootId, edited, createdAt };
}

/** The chat as a hit shows it: a p2p chat is named after (and pictured as) the other person. */
function presentChatRef(chat: ChatRow, peers: readonly MemberRow[], parties: ReadonlyMap<string, PartyInfo>): MessageSearchHit['chat'] {
  const peerMember = chat.chat_type === 'p2p' ? peers.find((member) => member.chat_id === chat.id) : undefined;
  const peer = peerMember ? parties.get(partyKey(peerMember.member_kind, peerMember.member_id)) : undefined;
  return {
    id: chat.id,
    chatId: chat.chat_id,
    chatType: chat.chat_type,
    name: peer?.name ?? chat.name,
    peer: peer ? presentUserRef(peer) : null,
  };
}
